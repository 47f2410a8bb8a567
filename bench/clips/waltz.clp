;;; Waltz line labelling (Brant, Grose, Lofaso & Miranker 1991), for CLIPS 6.30.
;;;
;;; Labels the edges of a line drawing of blocks: each edge becomes a boundary, convex (plus) or concave (minus)
;;; edge, by Waltz's constraint propagation over the junctions where the edges meet. A `stage` fact sequences the phases
;;;   duplicate -> detect_junctions -> find_initial_boundary -> find_second_boundary -> labeling
;;;   -> plot_remaining_edges -> done
;;; 1. every line becomes two directed edges; 2. the edges leaving one point are grouped into an ell (two edges) or a
;;; 3-junction, which the angles between its edges classify as an arrow, a fork or a tee; 3. the junction with the
;;; largest base point and the one with the smallest start the labelling as boundaries; 4. the labelling rules propagate
;;; labels through the junction constraints and from each edge to its reverse; 5. every edge is "plotted" once.
;;;
;;; A point is an integer p with x = div(p, 100) and y = mod(p, 100). Labels are the symbols boundary, plus and minus (nil while
;;; unlabelled), so that both engines print the same words.
;;;
;;; Written for the Covenant benchmark from the published description of the benchmark. Run with
;;;   (set-strategy depth) (load "waltz.clp") (reset) (load-facts "waltzN.fct") (run) (print-labelling)
;;; (print-labelling) prints the result, one line per directed edge "edge P1 P2 LABEL" (in fact order: sort to compare).

(deftemplate stage    (slot value (type SYMBOL)))
(deftemplate line     (slot p1 (type INTEGER)) (slot p2 (type INTEGER)))
(deftemplate edge     (slot p1 (type INTEGER)) (slot p2 (type INTEGER))
                      (slot joined (type SYMBOL) (default false))
                      (slot label (type SYMBOL) (default nil))
                      (slot plotted (type SYMBOL) (default false)))
(deftemplate junction (slot p1 (type INTEGER) (default 0)) (slot p2 (type INTEGER) (default 0))
                      (slot p3 (type INTEGER) (default 0)) (slot base_point (type INTEGER))
                      (slot type (type SYMBOL)))

;;; ---- geometry -------------------------------------------------------------------------------------------------------

(deffunction point-x (?p) (div ?p 100))
(deffunction point-y (?p) (mod ?p 100))

;;; CLIPS 6.30 has no atan2: the angle of (dx, dy) in (-pi, pi] for dx != 0.
(deffunction angle-of (?dy ?dx)
   (bind ?a (atan (/ ?dy ?dx)))
   (if (>= ?dx 0) then ?a
    else (if (>= ?dy 0) then (+ ?a (pi)) else (- ?a (pi)))))

;;; Direction of the line from point ?from to point ?to, in radians.
(deffunction direction (?from ?to)
   (bind ?dx (- (point-x ?to) (point-x ?from)))
   (bind ?dy (- (point-y ?to) (point-y ?from)))
   (if (= ?dx 0) then (if (> ?dy 0) then (/ (pi) 2) else (/ (pi) -2))
    else (if (= ?dy 0) then (if (> ?dx 0) then 0.0 else (pi))
          else (angle-of ?dy ?dx))))

;;; The angle (in [0, pi]) between the lines from ?base to ?p1 and from ?base to ?p2.
(deffunction inscribed-angle (?base ?p1 ?p2)
   (bind ?d (abs (- (direction ?base ?p1) (direction ?base ?p2))))
   (if (> ?d (pi)) then (- (* 2 (pi)) ?d) else ?d))

;;; Classify the junction of the three edges from ?bp to ?p1, ?p2, ?p3 and assert it. The shaft is the edge whose two
;;; angles to the others sum least; that sum is pi for a tee (within 0.001), more for a fork, less for an arrow. The
;;; junction stores the shaft as p2 and the other two, in their given order, as p1 and p3.
(deffunction make-3-junction (?bp ?p1 ?p2 ?p3)
   (bind ?a12 (inscribed-angle ?bp ?p1 ?p2))
   (bind ?a13 (inscribed-angle ?bp ?p1 ?p3))
   (bind ?a23 (inscribed-angle ?bp ?p2 ?p3))
   (bind ?s1 (+ ?a12 ?a13))
   (bind ?s2 (+ ?a12 ?a23))
   (bind ?s3 (+ ?a13 ?a23))
   (if (< ?s1 ?s2)
    then (if (< ?s1 ?s3)
          then (bind ?sum ?s1) (bind ?shaft ?p1) (bind ?b1 ?p2) (bind ?b2 ?p3)
          else (bind ?sum ?s3) (bind ?shaft ?p3) (bind ?b1 ?p1) (bind ?b2 ?p2))
    else (if (< ?s2 ?s3)
          then (bind ?sum ?s2) (bind ?shaft ?p2) (bind ?b1 ?p1) (bind ?b2 ?p3)
          else (bind ?sum ?s3) (bind ?shaft ?p3) (bind ?b1 ?p1) (bind ?b2 ?p2)))
   (if (< (abs (- ?sum (pi))) 0.001) then (bind ?type tee)
    else (if (> ?sum (pi)) then (bind ?type fork) else (bind ?type arrow)))
   (assert (junction (p1 ?b1) (p2 ?shaft) (p3 ?b2) (base_point ?bp) (type ?type))))

;;; The result: every directed edge and its label.
(deffunction print-labelling ()
   (do-for-all-facts ((?e edge)) TRUE
      (printout t "edge " ?e:p1 " " ?e:p2 " " ?e:label crlf)))

;;; ---- phase 1: two directed edges per line ----------------------------------------------------------------------------

(defrule reverse_edges
   (stage (value duplicate))
   ?l <- (line (p1 ?p1) (p2 ?p2))
   =>
   (assert (edge (p1 ?p1) (p2 ?p2)))
   (assert (edge (p1 ?p2) (p2 ?p1)))
   (retract ?l))

(defrule done_reversing
   (declare (salience -10))
   ?s <- (stage (value duplicate))
   =>
   (modify ?s (value detect_junctions)))

;;; ---- phase 2: junctions ------------------------------------------------------------------------------------------------

(defrule make_3_junction
   (declare (salience 10))
   (stage (value detect_junctions))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1) (joined false))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2&~?p1) (joined false))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3&~?p1&~?p2) (joined false))
   =>
   (make-3-junction ?bp ?p1 ?p2 ?p3)
   (modify ?e1 (joined true))
   (modify ?e2 (joined true))
   (modify ?e3 (joined true)))

(defrule make_L
   (stage (value detect_junctions))
   ?e1 <- (edge (p1 ?bp) (p2 ?p2) (joined false))
   ?e2 <- (edge (p1 ?bp) (p2 ?p3&~?p2) (joined false))
   (not (edge (p1 ?bp) (p2 ~?p2&~?p3)))
   =>
   (assert (junction (type ell) (base_point ?bp) (p1 ?p2) (p2 ?p3)))
   (modify ?e1 (joined true))
   (modify ?e2 (joined true)))

(defrule done_detecting
   (declare (salience -10))
   ?s <- (stage (value detect_junctions))
   =>
   (modify ?s (value find_initial_boundary)))

;;; ---- phase 3: the outer boundary starts at the junctions with the largest and the smallest base point ---------------

(defrule initial_boundary_junction_L
   ?s <- (stage (value find_initial_boundary))
   (junction (type ell) (base_point ?bp) (p1 ?p1) (p2 ?p2))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2))
   (not (junction (base_point ?other&:(> ?other ?bp))))
   =>
   (modify ?e1 (label boundary))
   (modify ?e2 (label boundary))
   (modify ?s (value find_second_boundary)))

(defrule initial_boundary_junction_arrow
   ?s <- (stage (value find_initial_boundary))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3))
   (not (junction (base_point ?other&:(> ?other ?bp))))
   =>
   (modify ?e1 (label boundary))
   (modify ?e2 (label plus))
   (modify ?e3 (label boundary))
   (modify ?s (value find_second_boundary)))

(defrule second_boundary_junction_L
   ?s <- (stage (value find_second_boundary))
   (junction (type ell) (base_point ?bp) (p1 ?p1) (p2 ?p2))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2))
   (not (junction (base_point ?other&:(< ?other ?bp))))
   =>
   (modify ?e1 (label boundary))
   (modify ?e2 (label boundary))
   (modify ?s (value labeling)))

(defrule second_boundary_junction_arrow
   ?s <- (stage (value find_second_boundary))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3))
   (not (junction (base_point ?other&:(< ?other ?bp))))
   =>
   (modify ?e1 (label boundary))
   (modify ?e2 (label plus))
   (modify ?e3 (label boundary))
   (modify ?s (value labeling)))

;;; ---- phase 4: propagation -------------------------------------------------------------------------------------------

;;; An edge's label carries over to its reverse; both count as plotted.
(defrule match_edge
   (stage (value labeling))
   ?e1 <- (edge (p1 ?p1) (p2 ?p2) (label ?label&plus|minus|boundary))
   ?e2 <- (edge (p1 ?p2) (p2 ?p1) (label nil))
   =>
   (modify ?e1 (plotted true))
   (modify ?e2 (label ?label) (plotted true)))

(defrule label_L
   (stage (value labeling))
   (junction (type ell) (base_point ?bp))
   (edge (p1 ?bp) (p2 ?p1) (label plus|minus))
   ?e2 <- (edge (p1 ?bp) (p2 ~?p1) (label nil))
   =>
   (modify ?e2 (label boundary)))

(defrule label_tee_A
   (declare (salience 5))
   (stage (value labeling))
   (junction (type tee) (base_point ?bp) (p1 ?p1) (p3 ?p3))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1) (label nil))
   ?e2 <- (edge (p1 ?bp) (p2 ?p3))
   =>
   (modify ?e1 (label boundary))
   (modify ?e2 (label boundary)))

(defrule label_tee_B
   (stage (value labeling))
   (junction (type tee) (base_point ?bp) (p1 ?p1) (p3 ?p3))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1))
   ?e2 <- (edge (p1 ?bp) (p2 ?p3) (label nil))
   =>
   (modify ?e1 (label boundary))
   (modify ?e2 (label boundary)))

(defrule label_fork_1
   (stage (value labeling))
   (junction (type fork) (base_point ?bp))
   (edge (p1 ?bp) (p2 ?p1) (label plus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2&~?p1) (label nil))
   ?e3 <- (edge (p1 ?bp) (p2 ~?p2&~?p1))
   =>
   (modify ?e2 (label plus))
   (modify ?e3 (label plus)))

(defrule label_fork_2
   (stage (value labeling))
   (junction (type fork) (base_point ?bp))
   (edge (p1 ?bp) (p2 ?p1) (label boundary))
   (edge (p1 ?bp) (p2 ?p2&~?p1) (label minus))
   ?e3 <- (edge (p1 ?bp) (p2 ~?p2&~?p1) (label nil))
   =>
   (modify ?e3 (label boundary)))

(defrule label_fork_3
   (stage (value labeling))
   (junction (type fork) (base_point ?bp))
   (edge (p1 ?bp) (p2 ?p1) (label boundary))
   (edge (p1 ?bp) (p2 ?p2&~?p1) (label boundary))
   ?e3 <- (edge (p1 ?bp) (p2 ~?p2&~?p1) (label nil))
   =>
   (modify ?e3 (label minus)))

(defrule label_fork_4
   (stage (value labeling))
   (junction (type fork) (base_point ?bp))
   (edge (p1 ?bp) (p2 ?p1) (label minus))
   (edge (p1 ?bp) (p2 ?p2&~?p1) (label minus))
   ?e3 <- (edge (p1 ?bp) (p2 ~?p2&~?p1) (label nil))
   =>
   (modify ?e3 (label minus)))

;;; Arrows: p2 is the shaft, p1 and p3 the barbs. Each constraint comes in an A and a B form, depending on which of the
;;; two edges to label is still unlabelled.
(defrule label_arrow_1A
   (declare (salience 5))
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p1) (label ?l&boundary|minus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2) (label nil))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3))
   =>
   (modify ?e2 (label plus))
   (modify ?e3 (label ?l)))

(defrule label_arrow_1B
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p1) (label ?l&boundary|minus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3) (label nil))
   =>
   (modify ?e2 (label plus))
   (modify ?e3 (label ?l)))

(defrule label_arrow_2A
   (declare (salience 5))
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p3) (label ?l&boundary|minus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2) (label nil))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1))
   =>
   (modify ?e2 (label plus))
   (modify ?e1 (label ?l)))

(defrule label_arrow_2B
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p3) (label ?l&boundary|minus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1) (label nil))
   =>
   (modify ?e2 (label plus))
   (modify ?e1 (label ?l)))

(defrule label_arrow_3A
   (declare (salience 5))
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p1) (label plus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2) (label nil))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3))
   =>
   (modify ?e2 (label minus))
   (modify ?e3 (label plus)))

(defrule label_arrow_3B
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p1) (label plus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3) (label nil))
   =>
   (modify ?e2 (label minus))
   (modify ?e3 (label plus)))

(defrule label_arrow_4A
   (declare (salience 5))
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p3) (label plus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2) (label nil))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1))
   =>
   (modify ?e2 (label minus))
   (modify ?e1 (label plus)))

(defrule label_arrow_4B
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p3) (label plus))
   ?e2 <- (edge (p1 ?bp) (p2 ?p2))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1) (label nil))
   =>
   (modify ?e2 (label minus))
   (modify ?e1 (label plus)))

(defrule label_arrow_5A
   (declare (salience 5))
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p2) (label minus))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3) (label nil))
   =>
   (modify ?e1 (label plus))
   (modify ?e3 (label plus)))

(defrule label_arrow_5B
   (stage (value labeling))
   (junction (type arrow) (base_point ?bp) (p1 ?p1) (p2 ?p2) (p3 ?p3))
   (edge (p1 ?bp) (p2 ?p2) (label minus))
   ?e1 <- (edge (p1 ?bp) (p2 ?p1) (label nil))
   ?e3 <- (edge (p1 ?bp) (p2 ?p3))
   =>
   (modify ?e1 (label plus))
   (modify ?e3 (label plus)))

(defrule done_labeling
   (declare (salience -10))
   ?s <- (stage (value labeling))
   =>
   (modify ?s (value plot_remaining_edges)))

;;; ---- phase 5: plot what match_edge did not --------------------------------------------------------------------------

(defrule plot_remaining
   (stage (value plot_remaining_edges))
   ?e <- (edge (plotted false) (label ~nil))
   =>
   (modify ?e (plotted true)))

(defrule plot_boundaries
   (stage (value plot_remaining_edges))
   ?e <- (edge (plotted false) (label nil))
   =>
   (modify ?e (plotted true)))

(defrule done_plotting
   (declare (salience -10))
   ?s <- (stage (value plot_remaining_edges))
   =>
   (modify ?s (value done)))

