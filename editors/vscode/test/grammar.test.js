#!/usr/bin/env node
// The TextMate grammar of editors/vscode, tested without VS Code: vscode-textmate + vscode-oniguruma (the engine VS
// Code itself uses) tokenise
//   1. every shipped pack (rules/**/*.rules) and every ```covenant block of docs/language.md: no word may be left
//      with only the root scope, no token may be scoped invalid.illegal, and each file must end with the rule stack
//      back at the root (no string or definition left open);
//   2. a hand-written sample, checking the scope of each construct (comment, string and interpolation, variables,
//      keywords and contextual keywords, definition names, constants, numbers, booleans, ...);
// and the package.json of the extension is checked: every path it contributes exists and parses.
//
// Run from anywhere: node editors/vscode/test/grammar.test.js. Exits 0 when all pass, 1 on a failure, and 77 (ctest's
// SKIP_RETURN_CODE) when the npm packages are not installed (make deps, or npm ci --prefix editors/vscode).
"use strict";

const fs = require("fs");
const path = require("path");

const extensionDir = path.resolve(__dirname, "..");
const repoRoot = path.resolve(extensionDir, "..", "..");

let vsctm;
let oniguruma;
try {
  vsctm = require(path.join(extensionDir, "node_modules", "vscode-textmate"));
  oniguruma = require(path.join(extensionDir, "node_modules", "vscode-oniguruma"));
} catch (error) {
  console.log(
    "SKIPPED: editors/vscode/node_modules lacks vscode-textmate / vscode-oniguruma " +
      "(run `make deps` or `npm ci --prefix editors/vscode`): " + error.message.split("\n")[0],
  );
  process.exit(77);
}

let passed = 0;
let failed = 0;
function check(name, fn) {
  try {
    const problems = fn() || [];
    if (problems.length === 0) {
      passed++;
      console.log(`ok      ${name}`);
    } else {
      failed++;
      console.log(`FAILED  ${name}`);
      for (const p of problems.slice(0, 20)) console.log(`          ${p}`);
      if (problems.length > 20) console.log(`          ... and ${problems.length - 20} more`);
    }
  } catch (error) {
    failed++;
    console.log(`FAILED  ${name}\n          ${error.stack || error}`);
  }
}

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(extensionDir, "node_modules", "vscode-oniguruma", "release", "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.covenant") return null;
      const file = path.join(extensionDir, "syntaxes", "covenant.tmLanguage.json");
      return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  return registry.loadGrammar("source.covenant");
}

// Tokenises a whole text; returns [{line, lineNo, start, end, text, scopes}] and the final rule stack.
function tokenise(grammar, text) {
  let state = vsctm.INITIAL;
  const tokens = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) {
      const end = Math.min(t.endIndex, line.length);
      if (t.startIndex >= end) continue;
      const text = line.slice(t.startIndex, end);
      tokens.push({ line, lineNo: i + 1, start: t.startIndex, end, text, scopes: t.scopes });
    }
    state = result.ruleStack;
  });
  return { tokens, state };
}

// The problems of one file: unscoped words, invalid tokens, a rule stack not back at the root.
function tokenProblems(grammar, text, label) {
  const { tokens, state } = tokenise(grammar, text);
  const problems = [];
  for (const t of tokens) {
    const where = `${label}:${t.lineNo}:${t.start + 1}`;
    if (t.text.trim() === "") continue;
    if (t.scopes.length === 1) {
      problems.push(`${where}: '${t.text}' has no scope but source.covenant   | ${t.line.trim()}`);
    }
    const invalid = t.scopes.find((s) => s.startsWith("invalid"));
    if (invalid) problems.push(`${where}: '${t.text}' is ${invalid}   | ${t.line.trim()}`);
  }
  if (state.depth !== 1) {
    problems.push(`${label}: ends with the rule stack ${state.depth - 1} deep (a string or definition left open)`);
  }
  return problems;
}

function walkRules(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walkRules(full, out);
    else if (entry.isFile() && entry.name.endsWith(".rules")) out.push(full);
  }
  return out;
}

function covenantBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (/^```covenant\s*$/.test(lines[i])) {
      const start = i + 1;
      let j = start;
      while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
      blocks.push({ line: start + 1, text: lines.slice(start, j).join("\n") });
      i = j;
    }
  }
  return blocks;
}

// The hand-written sample of part 2: each expectation names a line of it, a piece of text on that line (the
// occurrence-th one) and a regular expression one of its token's scopes must match (or, with `not`, none may).
const sample = [
  /* 1 */ "# comment about the pack",
  /* 2 */ 'pack examples.sample "A sample"',
  /* 3 */ "use core.vocabulary",
  /* 4 */ "const LIMIT = 3",
  /* 5 */ "template person {",
  /* 6 */ "  name: symbol, born: int = 0, kind: one of (a | b) = a",
  /* 7 */ "  share: float in [0, 1], ok: bool = true, motto: string = \"x\\\"\\n\\{\"",
  /* 8 */ "  year: int from as_of, boss: ref person = none",
  /* 9 */ "}",
  /* 10 */ "facts { person(name: green_couch, born: -2) }",
  /* 11 */ 'rule r "doc" salience 10 {',
  /* 12 */ "  when ?f <- person(name: ?x, born: ?b >= 1.5e3)",
  /* 13 */ "       not person(name: notable)",
  /* 14 */ "       exists (person(born: < LIMIT))",
  /* 15 */ "       ?n = count(person())",
  /* 16 */ "       ?s = score(community(?x))",
  /* 17 */ "       test ?n > 0 and abs(?b) != 2 or false",
  /* 18 */ '  then print "a {?x:.2f} b {?n} \\{c\\}"',
  /* 19 */ "       evidence community(?x) 0.35 \"reason {?b}\"",
  /* 20 */ "       modify ?f (born: ?b + 1)",
  /* 21 */ "       retract ?f",
  /* 22 */ "       halt",
  /* 23 */ "}",
  /* 24 */ "norm values {",
  /* 25 */ "  when person(name: ?p, interest: criterion)",
  /* 26 */ "  then conclude person(name: ?p)",
  /* 27 */ "}",
  /* 28 */ 'report score community "comm"',
  /* 29 */ "report finding burden(kind, severity, reason)",
  /* 30 */ "function twice(?n: int): int = if(?n > 0, ?n * 2, 0)",
  /* 31 */ "rule both { when or (person(name: ?p) and (person(born: ?p) test ?p > 1)) forall (person() person()) then halt }",
].join("\n");

const expectations = [
  [1, "# comment", /^comment\.line\.number-sign\.covenant$/],
  [2, "pack", /^keyword\.other\.pack/],
  [2, "examples.sample", /^entity\.name\.namespace/],
  [2, '"A sample"', /^string\.quoted\.double/],
  [3, "use", /^keyword\.other\.use/],
  [4, "const", /^keyword\./],
  [30, "function", /^keyword\.other\.function/],
  [30, "twice", /^entity\.name\.function/],
  [30, "if", /^support\.function|^entity\.name\.function|^keyword/],
  [31, "or", /^keyword\./],
  [31, "and", /^keyword\./],
  [31, "forall", /^keyword\./],
  [4, "LIMIT", /^constant\.other\.covenant$/],
  [4, "3", /^constant\.numeric/],
  [5, "template", /^keyword\./],
  [5, "person", /^entity\.name\.type/],
  [6, "name", /^variable\.other\.property/],
  [6, "symbol", /^storage\.type/],
  [6, "int", /^storage\.type/],
  [6, "one", /^storage\.type/],
  [6, "of", /^storage\.type/],
  [6, "|", /^keyword\.operator/],
  [7, "float", /^storage\.type/],
  [7, "in", /^keyword\./],
  [7, "bool", /^storage\.type/],
  [7, "string", /^storage\.type/],
  [7, "true", /^constant\.language/],
  [7, '\\"', /^constant\.character\.escape/],
  [7, "\\n", /^constant\.character\.escape/],
  [7, "\\{", /^constant\.character\.escape/],
  [8, "from", /^keyword\./],
  [8, "as_of", /^variable\.language/],
  [8, "ref", /^storage\.type/],
  [8, "person", /^entity\.name\.type/],
  [10, "facts", /^keyword\./],
  [10, "green_couch", /^keyword/, "not"],
  [10, "green_couch", /^constant\.other\.symbol/],
  [10, "-2", /^constant\.numeric/],
  [11, "rule", /^keyword\./],
  [11, "r", /^entity\.name\.function/],
  [11, "salience", /^keyword\./],
  [11, "10", /^constant\.numeric/],
  [12, "when", /^keyword\.control/],
  [12, "?f", /^variable\.other/],
  [12, "<-", /^keyword\.operator/],
  [12, "person", /^entity\.name\.type/],
  [12, "?x", /^variable\.other/],
  [12, ">=", /^keyword\.operator\.comparison/],
  [12, "1.5e3", /^constant\.numeric/],
  [13, "not", /^keyword\.control/],
  [13, "notable", /^keyword/, "not"],
  [13, "notable", /^constant\.other\.symbol/],
  [14, "exists", /^keyword\.control/],
  [14, "LIMIT", /^constant\.other\.covenant$/],
  [15, "count", /^support\.function\.aggregate/],
  [16, "score", /^support\.function\.aggregate/],
  [16, "community", /^entity\.name\.function\.predicate/],
  [17, "test", /^keyword\.control/],
  [17, "and", /^keyword\.operator\.logical/],
  [17, "abs", /^support\.function\.builtin/],
  [17, "!=", /^keyword\.operator\.comparison/],
  [17, "false", /^constant\.language/],
  [18, "then", /^keyword\.control/],
  [18, "print", /^keyword\.control/],
  [18, '"a ', /^string\.quoted\.double/],
  [18, "?x", /^string\.quoted\.double/],
  [18, "?x", /^meta\.embedded/],
  [18, "?x", /^variable\.other/],
  [18, ".2f", /^meta\.embedded/],
  [18, "?n", /^variable\.other/],
  [18, "\\{", /^constant\.character\.escape/],
  [18, "\\{", /^meta\.embedded/, "not"],
  [19, "evidence", /^keyword\.control/],
  [19, "community", /^entity\.name\.function\.predicate/],
  [19, "0.35", /^constant\.numeric/],
  [19, "?b", /^meta\.embedded/],
  [20, "modify", /^keyword\.control/],
  [20, "+", /^keyword\.operator\.arithmetic/],
  [21, "retract", /^keyword\.control/],
  [22, "halt", /^keyword\.control/],
  [24, "norm", /^keyword\./],
  [24, "values", /^entity\.name\.function/],
  [25, "interest", /^keyword/, "not"],
  [25, "interest", /^variable\.other\.property/],
  [25, "criterion", /^keyword/, "not"],
  [26, "conclude", /^keyword\.control/],
  [28, "report", /^keyword\./],
  [28, "score", /^keyword\./],
  [28, "community", /^entity\.name\.function\.predicate/],
  [29, "finding", /^keyword\./],
  [29, "burden", /^entity\.name\.type/],
  [29, "severity", /^variable\.other\.property/],
];

// The scopes of `piece` on line `lineNo`: every token it covers must carry the scope (or, with `not`, none may).
function scopeProblems(tokens, lineNo, piece, pattern, negate) {
  const lineTokens = tokens.filter((t) => t.lineNo === lineNo);
  if (lineTokens.length === 0) return [`line ${lineNo}: no tokens`];
  const line = lineTokens[0].line;
  // The piece as a whole word: `r` is not the r of `rule`.
  const escaped = piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const word = new RegExp((/^\w/.test(piece) ? "(?<![\\w?])" : "") + escaped + (/\w$/.test(piece) ? "(?!\\w)" : ""));
  const found = word.exec(line);
  if (!found) return [`line ${lineNo}: '${piece}' not in the sample line`];
  const at = found.index;
  const covering = lineTokens.filter((t) => t.end > at && t.start < at + piece.length && t.text.trim() !== "");
  const describe = covering.map((t) => `'${t.text}' [${t.scopes.slice(1).join(", ")}]`).join(" ");
  const problems = [];
  for (const t of covering) {
    const has = t.scopes.some((s) => pattern.test(s));
    if (!negate && !has) problems.push(`line ${lineNo}: '${piece}' should have a scope ${pattern}: ${describe}`);
    if (negate && has) problems.push(`line ${lineNo}: '${piece}' should have no scope ${pattern}: ${describe}`);
  }
  return problems;
}

async function checkExtension() {
  const Module = require("module");
  // The installed client library has what extension.js takes from it (loaded with a stand-in for every vscode API).
  check("vscode-languageclient/node exports LanguageClient, TransportKind.stdio and State.Stopped", () => {
    const resolve = Module._resolveFilename;
    const anyApi = new Proxy({}, {
      get: (_, key) => (key === "then" || typeof key === "symbol" ? undefined : class {}),
    });
    Module._resolveFilename = function (request, ...rest) {
      return request === "vscode" ? "stub:vscode-any" : resolve.call(this, request, ...rest);
    };
    const id = "stub:vscode-any";
    require.cache[id] = { id, filename: id, loaded: true, exports: anyApi };
    try {
      const lc = require(path.join(extensionDir, "node_modules", "vscode-languageclient", "node"));
      const problems = [];
      if (typeof lc.LanguageClient !== "function") problems.push("no LanguageClient");
      if (!lc.TransportKind || lc.TransportKind.stdio === undefined) problems.push("no TransportKind.stdio");
      if (!lc.State || lc.State.Stopped === undefined) problems.push("no State.Stopped");
      return problems;
    } finally {
      Module._resolveFilename = resolve;
    }
  });

  const settings = {};
  const errors = [];
  const clients = [];
  const disposable = { dispose() {} };
  const vscodeStub = {
    workspace: {
      workspaceFolders: [{ uri: { fsPath: repoRoot } }],
      getConfiguration: () => ({ get: (key, fallback) => (key in settings ? settings[key] : fallback) }),
      createFileSystemWatcher: () => disposable,
      onDidChangeConfiguration: () => disposable,
    },
    window: {
      createOutputChannel: () => ({ appendLine() {}, dispose() {} }),
      showErrorMessage: (message) => {
        errors.push(message);
        return Promise.resolve(undefined);
      },
    },
    commands: { registerCommand: () => disposable, executeCommand: () => Promise.resolve() },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions });
      clients.push(this);
    }
    onDidChangeState() {
      return disposable;
    }
    start() {
      return Promise.resolve();
    }
    stop() {
      return Promise.resolve();
    }
  }
  const clientStub = { LanguageClient, TransportKind: { stdio: 0 }, State: { Stopped: 1, Running: 2 } };
  const stubs = { vscode: vscodeStub, "vscode-languageclient/node": clientStub };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request in stubs ? `stub:${request}` : resolve.call(this, request, ...rest);
  };
  for (const [name, exports] of Object.entries(stubs)) {
    require.cache[`stub:${name}`] = { id: `stub:${name}`, filename: `stub:${name}`, loaded: true, exports };
  }
  let extension;
  try {
    extension = require(path.join(extensionDir, "extension.js"));
  } finally {
    Module._resolveFilename = resolve;
  }
  const activate = async () => {
    errors.length = 0;
    clients.length = 0;
    await extension.activate({ subscriptions: [] });
  };

  settings["server.path"] = "/nonexistent/bin/covenant";
  await activate();
  check("extension.js: a missing server binary gives a clear message and no client", () => {
    const problems = [];
    if (clients.length !== 0) problems.push("a client was started anyway");
    const clear = (e) =>
      e.includes("/nonexistent/bin/covenant") && e.includes("not found") && e.includes("covenant.server.path");
    if (!errors.some(clear)) {
      problems.push(`no clear error message: ${JSON.stringify(errors)}`);
    }
    return problems;
  });

  settings["server.path"] = process.execPath;
  settings["server.args"] = ["lsp", "--example"];
  await activate();
  check("extension.js: launches covenant.server.path with covenant.server.args over stdio", () => {
    if (clients.length !== 1) return [`${clients.length} clients started; errors: ${JSON.stringify(errors)}`];
    const c = clients[0];
    const problems = [];
    if (c.id !== "covenant") problems.push(`client id '${c.id}' (covenant.trace.server needs 'covenant')`);
    if (c.serverOptions.run.command !== process.execPath) problems.push(`command ${c.serverOptions.run.command}`);
    if (JSON.stringify(c.serverOptions.run.args) !== JSON.stringify(["lsp", "--example"])) {
      problems.push(`args ${JSON.stringify(c.serverOptions.run.args)}`);
    }
    if (!c.clientOptions.documentSelector.some((s) => s.language === "covenant")) problems.push("no covenant selector");
    return problems;
  });

  delete settings["server.args"];
  settings["server.path"] = path.basename(process.execPath);
  const savedPath = process.env.PATH;
  process.env.PATH = path.dirname(process.execPath) + path.delimiter + (savedPath || "");
  await activate();
  process.env.PATH = savedPath;
  check("extension.js: a bare name is looked up on PATH; the default args are ['lsp']", () => {
    if (clients.length !== 1) return [`${clients.length} clients started; errors: ${JSON.stringify(errors)}`];
    const run = clients[0].serverOptions.run;
    const problems = [];
    if (!path.isAbsolute(run.command)) problems.push(`command not resolved: ${run.command}`);
    if (JSON.stringify(run.args) !== '["lsp"]') problems.push(`args ${JSON.stringify(run.args)}`);
    return problems;
  });
}

async function main() {
  const grammar = await loadGrammar();

  // 1. Every shipped pack and every ```covenant block of docs/language.md.
  const packs = walkRules(path.join(repoRoot, "rules"), []).sort();
  check(`the shipped packs are found (${packs.length} under rules/)`, () =>
    packs.length > 0 ? [] : ["no .rules file under rules/"],
  );
  for (const file of packs) {
    const label = path.relative(repoRoot, file);
    check(`tokenises ${label}`, () => tokenProblems(grammar, fs.readFileSync(file, "utf8"), label));
  }
  const languageDoc = path.join(repoRoot, "docs", "language.md");
  const blocks = covenantBlocks(fs.readFileSync(languageDoc, "utf8"));
  check(`docs/language.md has covenant blocks (${blocks.length})`, () =>
    blocks.length > 0 ? [] : ["no ```covenant block found"],
  );
  for (const block of blocks) {
    check(`tokenises the covenant block at docs/language.md:${block.line}`, () =>
      tokenProblems(grammar, block.text, `docs/language.md(block at ${block.line})`).map((p) =>
        p.replace(/\(block at (\d+)\):(\d+)/, (m, start, line) => `:${Number(start) + Number(line) - 1}`),
      ),
    );
  }

  // 2. The scopes of the hand-written sample.
  const { tokens, state } = tokenise(grammar, sample);
  check("the sample tokenises cleanly", () => tokenProblems(grammar, sample, "sample"));
  check("the sample ends at the root", () => (state.depth === 1 ? [] : ["rule stack not at the root"]));
  for (const [lineNo, piece, pattern, negate] of expectations) {
    check(`sample line ${lineNo}: '${piece}' ${negate ? "is not" : "is"} ${pattern.source.replace(/\\/g, "")}`, () =>
      scopeProblems(tokens, lineNo, piece, pattern, negate === "not"),
    );
  }
  // The grammar in step with the parser's list of reserved words: each one, alone on a line (as while typing) and in
  // the sample, is a keyword or a language constant.
  check("every reserved word of engine/syntax/grammar/reserved_words.hpp is a keyword", () => {
    const header = fs.readFileSync(path.join(repoRoot, "engine", "syntax", "grammar", "reserved_words.hpp"), "utf8");
    const list = header.match(/kReservedWords\s*=\s*\{([^}]*)\}/);
    if (!list) return ["kReservedWords not found in reserved_words.hpp"];
    const words = [...list[1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
    const problems = words.length < 20 ? [`only ${words.length} reserved words read`] : [];
    for (const w of words) {
      const { tokens: t } = tokenise(grammar, w);
      if (!(t.length === 1 && t[0].scopes.some((s) => /^(keyword|constant\.language)\./.test(s)))) {
        problems.push(`'${w}' alone is ${t.map((x) => `'${x.text}' [${x.scopes.slice(1)}]`).join(" ")}`);
      }
    }
    return problems;
  });
  check("an unterminated string is closed at the end of its line and marked", () => {
    const { tokens: t, state: s } = tokenise(grammar, 'rule r "open\nrule q {}');
    const problems = [];
    if (s.depth !== 1) problems.push("rule stack not at the root");
    const named = (x) =>
      x.lineNo === 2 && x.text === "q" && x.scopes.some((sc) => sc.startsWith("entity.name.function"));
    if (!t.some(named)) {
      problems.push("the line after an unterminated string is not tokenised as code");
    }
    return problems;
  });
  check("malformed numbers and stray characters are marked invalid", () => {
    const { tokens: t } = tokenise(grammar, "x(a: 12abc, b: 1., c: @)");
    const invalid = t.filter((x) => x.scopes.some((s) => s.startsWith("invalid"))).map((x) => x.text);
    const want = ["12abc", "1.", "@"];
    return want.filter((w) => !invalid.includes(w)).map((w) => `'${w}' not marked invalid (invalid: ${invalid})`);
  });

  // 3. package.json: what it contributes exists and parses.
  check("package.json contributes existing, valid files", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8"));
    const problems = [];
    const exists = (rel, what) => {
      const full = path.join(extensionDir, rel);
      if (!fs.existsSync(full)) problems.push(`${what} ${rel} does not exist`);
      return full;
    };
    exists(pkg.main, "main");
    for (const lang of pkg.contributes.languages) {
      if (!lang.extensions.includes(".rules")) problems.push(`language ${lang.id} does not claim .rules`);
      const conf = exists(lang.configuration, "language configuration");
      if (fs.existsSync(conf)) {
        const c = JSON.parse(fs.readFileSync(conf, "utf8"));
        if (c.comments.lineComment !== "#") problems.push("lineComment is not #");
        const word = new RegExp(`^(?:${c.wordPattern})$`);
        for (const w of ["?x", "?born", "values_clause", "LIMIT"]) {
          if (!word.test(w)) problems.push(`wordPattern does not take '${w}' as one word`);
        }
        for (const key of ["increaseIndentPattern", "decreaseIndentPattern"]) new RegExp(c.indentationRules[key]);
      }
    }
    for (const g of pkg.contributes.grammars) {
      const file = exists(g.path, "grammar");
      if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8")).scopeName !== g.scopeName) {
        problems.push(`grammar ${g.path} does not declare ${g.scopeName}`);
      }
    }
    const props = pkg.contributes.configuration.properties;
    for (const key of ["covenant.server.path", "covenant.server.args", "covenant.trace.server"]) {
      if (!props[key]) problems.push(`setting ${key} not contributed`);
    }
    if (!pkg.dependencies || !pkg.dependencies["vscode-languageclient"]) {
      problems.push("vscode-languageclient is not a dependency");
    }
    return problems;
  });

  // 4. extension.js, with stand-ins for the `vscode` and `vscode-languageclient/node` modules (only VS Code provides
  //    the first): it launches covenant.server.path with covenant.server.args, and says clearly when the binary is
  //    missing.
  await checkExtension();

  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.log(`FAILED: ${error.stack || error}`);
  process.exit(1);
});
