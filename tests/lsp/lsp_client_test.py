#!/usr/bin/python3
"""A scripted LSP client for `covenant lsp` (docs/lsp.md): frames JSON-RPC messages by hand, drives a whole editing
session and checks every answer. Standard library only.

    lsp_client_test.py PATH/TO/covenant

Exit status 0 when every check passed; otherwise the first failed check is printed with the messages around it.
"""
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading

TIMEOUT = 20  # seconds to wait for any one answer; the server answers in milliseconds


class Client:
    """One server process, with a reader thread that turns its output into a queue of decoded messages."""

    def __init__(self, covenant):
        # The server's standard error (its log) goes to ours, where ctest keeps it.
        self.proc = subprocess.Popen([covenant, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.messages = queue.Queue()
        self.next_id = 1
        self.log = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.decode("ascii").rstrip("\r\n")
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "content-length" not in headers:
                self.messages.put({"framing-error": headers})
                continue
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode("utf-8")
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m)

    def wait(self, accept):
        """The next message `accept` takes; messages skipped on the way are kept in the log."""
        while True:
            try:
                m = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                fail("no answer within %d s" % TIMEOUT, self)
            if m is None:
                fail("the server closed its output", self)
            self.log.append(m)
            if accept(m):
                return m

    def diagnostics(self, uri):
        m = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        return m["params"]["diagnostics"]


def fail(what, client=None):
    print("FAIL:", what)
    if client:
        for m in client.log[-5:]:
            print("  seen:", json.dumps(m)[:600])
    sys.exit(1)


def check(condition, what, client=None):
    if not condition:
        fail(what, client)
    print("ok:", what)


def utf16(text):
    return len(text.encode("utf-16-le")) // 2


def pos(text, needle, occurrence=0, delta=0):
    """The LSP position (UTF-16) of the start of the given occurrence of `needle` in `text`, plus `delta` chars."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return {"line": line, "character": utf16(text[start:at])}


# The document of the session. It uses the shipped core.vocabulary (found on the shipped packs' search path: the
# document lives in a temporary directory). The first version has an unknown template (E0101) in a rule, an unknown
# slot (E0102) after non-ASCII text on its line (so its column must be counted in UTF-16 units), and a fact repeating
# a default (W0003, with a related location: the slot's declaration). A user function is called in a test, and its
# body calls a builtin.
GOOD = """pack demo.lsp "The LSP test pack"
use core.vocabulary

const OLD = 1960 "Born before this year counts as old"

function age "Years from a birth year to 2024" (?year: int): int = max(2024 - ?year, 0)

template person "A person of the demo" {
  name: symbol
  born: int = 0
  kind: one of (citizen | visitor) = citizen
}
template note { text: string }

facts {
  person(name: ann, born: 1950)
  note(text: "déjà vu 😀 ok")
}

rule old_person "Someone born before OLD, with an institution" {
  when person(name: ?p, born: ?b < OLD)
       institution(id: ?i)
       test age(?b) > 50
  then assert note(text: "{?p} born {?b} in {?i}")
}
"""
BAD = (GOOD.replace("when person(", "when preson(")
           .replace('note(text: "déjà vu 😀 ok")', 'note(text: "déjà vu 😀 ok", bogus: 1)')
           .replace("person(name: ann, born: 1950)", "person(name: ann, born: 1950)\n  person(name: bob, born: 0)"))


def session(covenant, workdir):
    path = os.path.join(workdir, "demo.rules")
    with open(path, "w", encoding="utf-8") as f:
        f.write(GOOD)
    uri = "file://" + path
    c = Client(covenant)

    init = c.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + workdir, "capabilities": {}})
    caps = init["result"]["capabilities"]
    check(caps["textDocumentSync"]["change"] == 1 and caps["hoverProvider"] and caps["definitionProvider"]
          and "completionProvider" in caps and caps["documentSymbolProvider"], "initialize: capabilities", c)
    c.notify("initialized", {})

    # Diagnostics as the document opens with errors.
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "covenant", "version": 1,
                                                       "text": BAD}})
    diags = c.diagnostics(uri)
    by_code = {d["code"]: d for d in diags}
    check(set(by_code) == {"E0101", "E0102", "W0003"}, "didOpen: E0101, E0102 and W0003 reported (%s)"
          % sorted(by_code), c)
    d = by_code["E0101"]
    start = pos(BAD, "preson")
    check(d["range"] == {"start": start, "end": {"line": start["line"], "character": start["character"] + 6}}
          and d["severity"] == 1 and d["source"] == "covenant" and "preson" in d["message"],
          "E0101 at the misspelt template, severity error", c)
    d = by_code["E0102"]
    start = pos(BAD, "bogus")
    check(d["range"]["start"] == start, "E0102 located in UTF-16 units after non-ASCII text (%s)" % d["range"], c)
    d = by_code["W0003"]
    related = d.get("relatedInformation", [])
    check(d["severity"] == 2 and related and related[0]["location"]["uri"] == uri
          and related[0]["location"]["range"]["start"]["line"] == pos(BAD, "born: int")["line"],
          "W0003 is a warning whose related information points at the slot's default", c)

    # Fixing the text clears them (the document uses core.vocabulary and checks cleanly against the shipped packs).
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                        "contentChanges": [{"text": GOOD}]})
    check(c.diagnostics(uri) == [], "didChange: the fixed document has no diagnostics", c)

    # Hover.
    at = pos(GOOD, "person(name: ?p", delta=2)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at})["result"]
    check(h and h["contents"]["kind"] == "markdown" and "A person of the demo" in h["contents"]["value"]
          and "born: int = 0" in h["contents"]["value"], "hover on a template: its declaration and doc", c)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(GOOD, "born: ?b", delta=1)})
    check("born: int = 0" in h["result"]["contents"]["value"], "hover on a slot: its type and default", c)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(GOOD, "< OLD", delta=3)})
    check("1960" in h["result"]["contents"]["value"] and "counts as old" in h["result"]["contents"]["value"],
          "hover on a constant: its value and doc", c)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(GOOD, "{?b}", delta=2)})
    value = h["result"]["contents"]["value"]
    check("?b: int" in value and "line %d" % (pos(GOOD, "?b <")["line"] + 1) in value,
          "hover on a variable in a string: its type and where it is bound", c)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(GOOD, "old_person", delta=1)})
    check("with an institution" in h["result"]["contents"]["value"], "hover on a rule name: its doc", c)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 0}})
    check(h["result"] is None, "hover on nothing: null", c)
    for needle, where in (("age(?b)", "a call"), ("age \"Years", "its definition")):
        h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(GOOD, needle, delta=1)})
        value = h["result"]["contents"]["value"] if h["result"] else ""
        check("function age(?year: int): int" in value and "Years from a birth year" in value
              and "this file:%d" % (pos(GOOD, "age \"Years")["line"] + 1) in value,
              "hover on a function at %s: its signature, doc and place (%r)" % (where, value), c)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(GOOD, "?year, 0", delta=2)})
    value = h["result"]["contents"]["value"] if h["result"] else ""
    check("?year: int" in value and "parameter 1 of function `age`" in value,
          "hover on a parameter in a function's body: its type (%r)" % value, c)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(GOOD, "max(2024", delta=1)})
    check(h.get("result", "missing") is None, "hover on a builtin call: null", c)

    # Go to definition: in the document, and into the used pack's file.
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": at})["result"]
    check(d["uri"] == uri and d["range"]["start"] == pos(GOOD, "person \"A person"),
          "definition of a template used in a rule: its declaration", c)
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri},
                                              "position": pos(GOOD, "institution(id", delta=3)})["result"]
    target = d["uri"][len("file://"):] if d else ""
    check(target.endswith("rules/core/vocabulary.rules") and "template institution" in
          open(target, encoding="utf-8").read().split("\n")[d["range"]["start"]["line"]],
          "definition of a template of a used pack: in rules/core/vocabulary.rules", c)
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri},
                                              "position": pos(GOOD, "core.vocabulary", delta=5)})["result"]
    check(d and d["uri"].endswith("rules/core/vocabulary.rules"), "definition of a `use`d pack: its file", c)
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos(GOOD, "{?p}", delta=2)})
    check(d["result"]["range"]["start"] == pos(GOOD, "?p, born"), "definition of a variable: where it is bound", c)
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos(GOOD, "age(?b)", delta=1)})
    check(d["result"] and d["result"]["uri"] == uri and d["result"]["range"]["start"] == pos(GOOD, "age \"Years"),
          "definition of a function from its call: its declaration", c)
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos(GOOD, "?year, 0", delta=2)})
    check(d["result"] and d["result"]["range"]["start"] == pos(GOOD, "?year: int"),
          "definition of a variable in a function's body: its parameter", c)
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos(GOOD, "max(2024", delta=1)})
    check(d.get("result", "missing") is None, "definition of a builtin call: null", c)

    # Completion while typing: the text does not parse.
    typing = GOOD.replace("       institution(id: ?i)\n", "       person(name: ?p, )\n       \n")
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                        "contentChanges": [{"text": typing}]})
    c.diagnostics(uri)
    labels = lambda r: {item["label"] for item in r["result"]}
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri},
                                              "position": pos(typing, "person(name: ?p, )", delta=len("person(name: ?p, "))})
    check({"born", "kind"} <= labels(r) and "name" not in labels(r),
          "completion inside person( lists the slots not yet written (%s)" % sorted(labels(r)), c)
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri},
                                              "position": pos(typing, "       \n", delta=7)})
    check({"person", "note", "institution", "not", "test"} <= labels(r),
          "completion at the start of a condition lists templates and keywords", c)
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri},
                                              "position": pos(typing, "born: ?b < OLD", delta=6)})
    check("?p" in labels(r) and "?b" not in labels(r), "completion of a variable lists those bound before it", c)
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos(typing, "age(?b) > 50")})
    age = next((item for item in r["result"] if item["label"] == "age"), {})
    check({"?p", "?b", "OLD"} <= labels(r) and age.get("detail") == "function age(?year: int): int",
          "completion after `test` lists variables, constants and the user function with its signature (%s)"
          % sorted(labels(r)), c)
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri},
                                              "position": pos(typing, "use core.vocabulary", delta=len("use co"))})
    check({"core.vocabulary", "core.weights", "core.architecture"} <= labels(r),
          "completion after `use` lists the packs on the search path", c)
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4},
                                        "contentChanges": [{"text": GOOD}]})
    c.diagnostics(uri)

    # Document symbols.
    syms = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})["result"]
    names = [s["name"] for s in syms]
    person = next((s for s in syms if s["name"] == "person"), {})
    check(names == ["demo.lsp", "OLD", "age", "person", "note", "facts", "old_person"]
          and [ch["name"] for ch in person.get("children", [])] == ["name", "born", "kind"],
          "documentSymbol: pack, constant, function, templates with slots, facts, rule (%s)" % names, c)

    # Formatting, when the server offers it: the document's text in canonical layout, as one edit (or none).
    if caps.get("documentFormattingProvider"):
        messy = GOOD.replace("template note { text: string }", "template   note{text:string}")
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5},
                                            "contentChanges": [{"text": messy}]})
        c.diagnostics(uri)
        edits = c.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                       "options": {"tabSize": 2, "insertSpaces": True}})["result"]
        check(len(edits) == 1 and "template   note" not in edits[0]["newText"]
              and "template note" in edits[0]["newText"] and edits[0]["range"]["start"] == {"line": 0, "character": 0}
              and edits[0]["range"]["end"] == pos(messy + "$", "$"), "formatting: one whole-document edit", c)
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 6},
                                            "contentChanges": [{"text": edits[0]["newText"]}]})
        c.diagnostics(uri)
        again = c.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                       "options": {"tabSize": 2, "insertSpaces": True}})["result"]
        check(again == [], "formatting formatted text: no edit", c)
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 7},
                                            "contentChanges": [{"text": GOOD + "rule broken {\n"}]})
        c.diagnostics(uri)
        broken = c.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                        "options": {"tabSize": 2, "insertSpaces": True}})
        check(broken.get("result") == [], "formatting a document with a syntax error: no edit", c)
    else:
        print("note: the server does not offer formatting; not checked")

    # Robustness: broken framing and JSON get a ParseError, an unknown method MethodNotFound; the server goes on.
    c.raw(b"Content-Type: nothing\r\n\r\n")
    m = c.wait(lambda m: "error" in m)
    check(m["error"]["code"] == -32700 and m["id"] is None, "a header without Content-Length: ParseError", c)
    c.raw(b"Content-Length: 9\r\n\r\n{not json")
    m = c.wait(lambda m: "error" in m)
    check(m["error"]["code"] == -32700, "a body that is not JSON: ParseError", c)
    m = c.request("covenant/noSuchThing", {})
    check(m.get("error", {}).get("code") == -32601, "an unknown method: MethodNotFound", c)
    m = c.request("textDocument/hover", {"textDocument": {"uri": uri}})
    check(m.get("error", {}).get("code") == -32602, "a request without its position: InvalidParams", c)
    c.notify("$/cancelRequest", {"id": 1})
    c.notify("workspace/somethingNew", {})
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at})
    check(h.get("result") and "A person of the demo" in h["result"]["contents"]["value"],
          "the server still answers after the bad messages", c)

    # Closing clears the diagnostics.
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "covenant", "version": 6,
                                                       "text": BAD}})
    check(len(c.diagnostics(uri)) == 3, "reopened with errors", c)
    c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    check(c.diagnostics(uri) == [], "didClose publishes empty diagnostics", c)

    used_pack(c, workdir)

    # Orderly end.
    check(c.request("shutdown", None).get("result", "missing") is None, "shutdown answers null", c)
    c.notify("exit", None)
    code = c.proc.wait(timeout=TIMEOUT)
    check(code == 0, "exit after shutdown: exit code 0 (got %s)" % code)

    # An exit without shutdown, and the end of input without either, are exit code 1.
    c = Client(covenant)
    c.request("initialize", {"capabilities": {}})
    c.notify("exit", None)
    check(c.proc.wait(timeout=TIMEOUT) == 1, "exit without shutdown: exit code 1")
    c = Client(covenant)
    c.proc.stdin.close()
    check(c.proc.wait(timeout=TIMEOUT) == 1, "end of input without exit: exit code 1")


def used_pack(c, workdir):
    """A pack of one's own beside the document: its errors show at the document's `use`, and once it is open in the
    editor its buffer, not the file on disk, is what the document is checked against. Its function is known in the
    document: hover, definition and completion."""
    os.makedirs(os.path.join(workdir, "demo"), exist_ok=True)
    extra_path = os.path.join(workdir, "demo", "extra.rules")
    extra_good = ("pack demo.extra\ntemplate extra_thing { id: symbol, n: int = 0 }\n"
                  'function twice "Doubles a count" (?k: int): int = ?k * 2\n')
    with open(extra_path, "w", encoding="utf-8") as f:
        f.write(extra_good + "rule broken { when nothing_here() then halt }\n")
    user_path = os.path.join(workdir, "user.rules")
    user = ('pack demo.user\nuse demo.extra\n'
            'rule r { when extra_thing(id: ?x, n: ?n) test twice(?n) > 3 then print "{?x}" }\n')
    with open(user_path, "w", encoding="utf-8") as f:
        f.write(user)
    uri, extra_uri = "file://" + user_path, "file://" + extra_path
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "covenant", "version": 1,
                                                       "text": user}})
    diags = c.diagnostics(uri)
    check(len(diags) == 1 and diags[0]["code"] == "E0101" and "extra.rules:4:" in diags[0]["message"]
          and diags[0]["range"]["start"] == pos(user, "demo.extra"),
          "an error in a used pack is shown at the document's `use`, naming the file", c)
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri},
                                              "position": pos(user, "extra_thing", delta=2)})["result"]
    check(d["uri"] == extra_uri and d["range"]["start"]["line"] == 1, "definition into the used pack's file", c)
    c.notify("textDocument/didOpen", {"textDocument": {"uri": extra_uri, "languageId": "covenant", "version": 1,
                                                       "text": extra_good}})
    check(c.diagnostics(extra_uri) == [], "the used pack, fixed in the editor, checks cleanly", c)
    c.notify("textDocument/didSave", {"textDocument": {"uri": extra_uri}})
    check(c.diagnostics(uri) == [], "after a save, the document is checked against the open buffer of its pack", c)
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(user, "twice(?n)", delta=2)})
    value = h["result"]["contents"]["value"] if h["result"] else ""
    check("function twice(?k: int): int" in value and "Doubles a count" in value
          and "pack `demo.extra`, extra.rules:3" in value,
          "hover on a call of a used pack's function: its signature, doc, pack and file (%r)" % value, c)
    d = c.request("textDocument/definition", {"textDocument": {"uri": uri},
                                              "position": pos(user, "twice(?n)", delta=2)})["result"]
    check(d and d["uri"] == extra_uri and d["range"]["start"] == pos(extra_good, "twice"),
          "definition of a used pack's function: in its file", c)
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri},
                                              "position": pos(user, "twice(?n)", delta=len("twice("))})
    check("twice" in {item["label"] for item in r["result"]},
          "completion inside a call's arguments lists the used pack's function", c)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory(prefix="covenant-lsp-") as workdir:
        session(os.path.abspath(sys.argv[1]), os.path.realpath(workdir))
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
