#!/usr/bin/env bash
# Drives `covenant repl` in a real terminal under tmux: tab completion of a command, a template, a slot name (also
# right after a completed template name and `(`) and a fact id; history recalled with the Up arrow within a session
# and across sessions (~/.covenant_history); Ctrl-C cancels the line at the prompt and stops a running `run`, without
# leaving; Ctrl-D leaves. Every wait polls capture-pane for the expected text (no
# fixed sleeps), up to a deadline.
#
# usage: tmux_test.sh COVENANT        exit 77 (skipped) when tmux is not installed
set -uo pipefail
if ! command -v tmux >/dev/null 2>&1; then
    echo "tmux is not installed: skipping the terminal test"
    exit 77
fi
covenant=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d)
socket="$scratch/tmux.sock"
session="covenant-repl-test"
cleanup() { tmux -S "$socket" kill-server >/dev/null 2>&1; rm -rf "$scratch"; }
trap cleanup EXIT

tm() { tmux -S "$socket" "$@"; }
pane() { tm capture-pane -p -t "$session"; }
failed=0
# wait_for TEXT [SECONDS]: polls the pane until it contains TEXT (a fixed string; with GREP=-E a regex).
wait_for() {
    local text=$1 deadline=$((SECONDS + ${2:-20}))
    while ((SECONDS < deadline)); do
        if pane | grep -q "${GREP:--F}" -- "$text"; then return 0; fi
        sleep 0.1
    done
    echo "FAIL: timed out waiting for: $text"
    echo "---- pane ----"; pane; echo "--------------"
    failed=1
    return 1
}
# A tmux server exits when its last session ends, asynchronously: a new-session racing that exit fails with "server
# exited unexpectedly" (it did in CI). An idle session kept for the whole test keeps one server alive throughout.
tm new-session -d -s keeper -x 80 -y 10 "sleep 3600" || { echo "FAIL: tmux cannot start a server"; exit 1; }
# start [REPL ARGS...]: a new tmux session running the REPL (default: on the SCO case).
start() {
    local args="${*:-kb/cases/sco-2025.yaml}"
    if ! tm new-session -d -s "$session" -x 200 -y 50 \
        "cd '$root' && HOME='$scratch' NO_COLOR=1 '$covenant' repl $args; echo REPL-ENDED; sleep 30"; then
        echo "FAIL: tmux new-session"; exit 1
    fi
    wait_for "covenant>"   # capture-pane drops trailing blanks
}

start
# A command: "cla<Tab>" completes to "classify".
tm send-keys -t "$session" "cla" Tab
wait_for "covenant> classify" || exit 1
tm send-keys -t "$session" Enter
wait_for "balance_of_power" || exit 1
# A template name and a slot name: "facts instit<Tab>", then "why institution(dec<Tab>".
tm send-keys -t "$session" "facts instit" Tab
wait_for "covenant> facts institution" || exit 1
tm send-keys -t "$session" Enter
wait_for "1 fact" || exit 1
tm send-keys -t "$session" "why-not institution(decision_r" Tab
wait_for "why-not institution(decision_rule:" || exit 1
tm send-keys -t "$session" C-u
# A template name completes without a blank after it, so that `(` can follow and slot names complete inside it.
tm send-keys -t "$session" "why-not instit" Tab
wait_for "covenant> why-not institution" || exit 1
tm send-keys -t "$session" "(decision_r" Tab
wait_for "why-not institution(decision_rule:" || exit 1
tm send-keys -t "$session" C-u
# Fact ids: "why f-1<Tab><Tab>" lists the live ids starting so (f-10, f-12, ... were never printed before).
tm send-keys -t "$session" "why f-1" Tab Tab
wait_for "f-12" || exit 1
tm send-keys -t "$session" C-u
# Ctrl-C at the prompt cancels the line being typed and the session goes on, inside a what-if too (it used to end
# the session).
tm send-keys -t "$session" "what-if assert mandate(institution: sco, kind: maritime)" Enter
wait_for "what-if>" || exit 1
tm send-keys -t "$session" "classify half-typed" C-c
wait_for "^C" || exit 1
tm send-keys -t "$session" "what-if" Enter
wait_for "what-if changes:" || exit 1
if pane | grep -q "half-typed'"; then
    echo "FAIL: the line cancelled with Ctrl-C was run"; failed=1
fi
tm send-keys -t "$session" "what-if off" Enter
wait_for "what-if discarded" || exit 1
# History within the session: Up recalls the last command.
tm send-keys -t "$session" "stats" Enter
wait_for "given facts:" || exit 1
tm send-keys -t "$session" "help stats" Enter
wait_for "Example:" || exit 1
tm send-keys -t "$session" Up
wait_for "covenant> help stats" || exit 1
tm send-keys -t "$session" C-u
# Ctrl-D leaves; the history survives into a new session.
tm send-keys -t "$session" C-d
wait_for "REPL-ENDED" || exit 1
if ! grep -q "stats" "$scratch/.covenant_history"; then
    echo "FAIL: ~/.covenant_history does not hold the commands"; failed=1
fi
tm kill-session -t "$session"
start
tm send-keys -t "$session" Up Up
wait_for "covenant> stats" || exit 1
tm send-keys -t "$session" C-u C-d
wait_for "REPL-ENDED"
tm kill-session -t "$session"

# Ctrl-C interrupts a run that never ends by itself; the session goes on with working memory consistent.
start --rules tests/golden/limit_max_firings/forever.rules
tm send-keys -t "$session" "run" Enter
GREP=-E wait_for "^tick [0-9]{3,}" || exit 1   # the pane scrolls: any three-digit tick shows the run is going
tm send-keys -t "$session" C-c
wait_for "(interrupted" || exit 1
tm send-keys -t "$session" "agenda" Enter
wait_for "1 activation" || exit 1
tm send-keys -t "$session" C-d
wait_for "REPL-ENDED"
[[ $failed == 0 ]] && echo "terminal test passed: completion of commands, templates, slots and fact ids; history; Ctrl-C at the prompt and in a run"
exit $failed
