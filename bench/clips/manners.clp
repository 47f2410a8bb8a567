;;; Miss Manners (Brant, Grose, Lofaso & Miranker 1991), for CLIPS 6.30.
;;;
;;; Seats the guests of a dinner party round a table so that neighbours alternate in sex and share at least one hobby.
;;; The search is a greedy depth-first walk driven by a `context` fact that moves through the states
;;;   start -> assign_seats -> make_path -> check_done -> (assign_seats ... | print_results)
;;; Each `seating` fact is one partial solution: the guest `name2` just placed in seat `seat2` next to `name1`, with `id`
;;; its own number and `pid` the number of the seating it extends. The `path` facts of a seating list every guest seated in
;;; it so far; `chosen` remembers which guest (with which shared hobby) was already tried after a seating.
;;;
;;; Written for the Covenant benchmark from the published description of the benchmark. The firing count depends on the
;;; depth strategy's order: see bench/README.md. Run with
;;;   (set-strategy depth) (load "manners.clp") (reset) (load-facts "mannersN.fct") (run)
;;; The result is printed at the end as one line per seat, "seat N guest G".

(deftemplate guest      (slot name (type SYMBOL)) (slot sex (type SYMBOL)) (slot hobby (type SYMBOL)))
(deftemplate last_seat  (slot seat (type INTEGER)))
(deftemplate count      (slot c (type INTEGER)))
(deftemplate context    (slot state (type SYMBOL)))
(deftemplate seating    (slot seat1 (type INTEGER)) (slot name1 (type SYMBOL))
                        (slot name2 (type SYMBOL)) (slot seat2 (type INTEGER))
                        (slot id (type INTEGER)) (slot pid (type INTEGER))
                        (slot path_done (type SYMBOL)))
(deftemplate path       (slot id (type INTEGER)) (slot name (type SYMBOL)) (slot seat (type INTEGER)))
(deftemplate chosen     (slot id (type INTEGER)) (slot name (type SYMBOL)) (slot hobby (type SYMBOL)))

;;; Any guest may take the first seat; the first activation on the agenda wins and moves the context on.
(defrule assign_first_seat
   ?ctx <- (context (state start))
   (guest (name ?n))
   ?cnt <- (count (c ?c))
   =>
   (assert (seating (seat1 1) (name1 ?n) (name2 ?n) (seat2 1) (id ?c) (pid 0) (path_done yes)))
   (assert (path (id ?c) (name ?n) (seat 1)))
   (modify ?cnt (c (+ ?c 1)))
   (modify ?ctx (state assign_seats)))

;;; Extend a finished seating by a guest of the other sex who shares a hobby with the last one seated, is not yet on
;;; the seating's path, and has not been tried after this seating with this hobby.
(defrule find_seating
   ?ctx <- (context (state assign_seats))
   (seating (seat2 ?seat2) (name2 ?n2) (id ?id) (path_done yes))
   (guest (name ?n2) (sex ?s1) (hobby ?h1))
   (guest (name ?g2) (sex ~?s1) (hobby ?h1))
   ?cnt <- (count (c ?c))
   (not (path (id ?id) (name ?g2)))
   (not (chosen (id ?id) (name ?g2) (hobby ?h1)))
   =>
   (assert (seating (seat1 ?seat2) (name1 ?n2) (name2 ?g2) (seat2 (+ ?seat2 1)) (id ?c) (pid ?id) (path_done no)))
   (assert (path (id ?c) (name ?g2) (seat (+ ?seat2 1))))
   (assert (chosen (id ?id) (name ?g2) (hobby ?h1)))
   (modify ?cnt (c (+ ?c 1)))
   (modify ?ctx (state make_path)))

;;; Copy the path of the extended seating into the new one, one guest per firing.
(defrule make_path
   (context (state make_path))
   (seating (id ?id) (pid ?pid) (path_done no))
   (path (id ?pid) (name ?n1) (seat ?s))
   (not (path (id ?id) (name ?n1)))
   =>
   (assert (path (id ?id) (name ?n1) (seat ?s))))

;;; Once no path entry is left to copy (make_path's activations are newer or defined first), the seating is complete.
(defrule path_done
   ?ctx <- (context (state make_path))
   ?st <- (seating (path_done no))
   =>
   (modify ?st (path_done yes))
   (modify ?ctx (state check_done)))

(defrule are_we_done
   ?ctx <- (context (state check_done))
   (last_seat (seat ?last))
   (seating (seat2 ?last))
   =>
   (printout t "Yes, we are done!!" crlf)
   (modify ?ctx (state print_results)))

(defrule continue
   ?ctx <- (context (state check_done))
   =>
   (modify ?ctx (state assign_seats)))

;;; Print the full seating (the one that reached the last seat), one seat per firing.
(defrule print_results
   (context (state print_results))
   (seating (id ?id) (seat2 ?last))
   (last_seat (seat ?last))
   ?p <- (path (id ?id) (name ?n) (seat ?s))
   =>
   (retract ?p)
   (printout t "seat " ?s " guest " ?n crlf))

(defrule all_done
   (context (state print_results))
   =>
   (halt))
