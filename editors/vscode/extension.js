// The Covenant extension: the TextMate grammar and language configuration are declared in package.json; this file
// starts the language server, `covenant lsp` (JSON-RPC over stdio), through vscode-languageclient. Plain JavaScript,
// loaded by VS Code as it is: no build step.
"use strict";

const fs = require("fs");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient, TransportKind, State } = require("vscode-languageclient/node");

let client = null;
let output = null;
let traceOutput = null;
let watcher = null;

// The executable named by covenant.server.path: an absolute path, a path relative to the first workspace folder
// (when it contains a separator), or a bare name looked up on PATH. Returns the full path, or null when not found.
function resolveServerPath(setting) {
  const expanded = setting.startsWith("~/") ? path.join(require("os").homedir(), setting.slice(2)) : setting;
  const isExecutable = (file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (path.isAbsolute(expanded)) return isExecutable(expanded) ? expanded : null;
  if (expanded.includes("/") || expanded.includes("\\")) {
    for (const folder of vscode.workspace.workspaceFolders || []) {
      const candidate = path.join(folder.uri.fsPath, expanded);
      if (isExecutable(candidate)) return candidate;
    }
    return null;
  }
  const extensions = process.platform === "win32" ? (process.env.PATHEXT || ".EXE").split(";") : [""];
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = path.join(dir, expanded + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

async function startClient(context) {
  const config = vscode.workspace.getConfiguration("covenant");
  const setting = config.get("server.path", "covenant") || "covenant";
  const args = config.get("server.args", ["lsp"]);
  const command = resolveServerPath(setting);
  if (!command) {
    const message =
      `Covenant: the language server executable '${setting}' was not found` +
      (path.isAbsolute(setting) ? "." : " on PATH.") +
      " Syntax highlighting still works. Install covenant (make install) or set 'covenant.server.path' to the" +
      " covenant binary, e.g. /path/to/covenant/build/repl/covenant.";
    output.appendLine(message);
    const choice = await vscode.window.showErrorMessage(message, "Open Settings");
    if (choice === "Open Settings") {
      vscode.commands.executeCommand("workbench.action.openSettings", "covenant.server.path");
    }
    return;
  }

  const cwd = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders.length > 0
    ? vscode.workspace.workspaceFolders[0].uri.fsPath
    : undefined;
  const serverOptions = {
    run: { command, args, transport: TransportKind.stdio, options: { cwd } },
    debug: { command, args, transport: TransportKind.stdio, options: { cwd } },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "covenant" },
      { scheme: "untitled", language: "covenant" },
    ],
    synchronize: { fileEvents: watcher },
    outputChannel: output,
    traceOutputChannel: traceOutput,
  };
  client = new LanguageClient("covenant", "Covenant Language Server", serverOptions, clientOptions);
  client.onDidChangeState((event) => {
    if (event.newState === State.Stopped) output.appendLine("Covenant: the language server stopped.");
  });
  try {
    await client.start();
  } catch (error) {
    const message =
      `Covenant: could not start the language server '${command} ${args.join(" ")}': ` +
      `${error && error.message ? error.message : error}. A covenant built before the 'lsp' command existed cannot ` +
      "serve: `covenant --help` lists the commands of the binary.";
    output.appendLine(message);
    vscode.window.showErrorMessage(message);
    client = null;
  }
}

async function stopClient() {
  if (!client) return;
  const stopping = client;
  client = null;
  try {
    await stopping.stop();
  } catch {
    // Already stopped or never started.
  }
}

async function activate(context) {
  output = vscode.window.createOutputChannel("Covenant Language Server");
  traceOutput = vscode.window.createOutputChannel("Covenant Language Server Trace");
  watcher = vscode.workspace.createFileSystemWatcher("**/*.rules");
  context.subscriptions.push(output, traceOutput, watcher);
  context.subscriptions.push(
    vscode.commands.registerCommand("covenant.restartServer", async () => {
      await stopClient();
      await startClient(context);
    }),
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("covenant.server")) {
        await stopClient();
        await startClient(context);
      }
    }),
  );
  await startClient(context);
}

async function deactivate() {
  await stopClient();
}

module.exports = { activate, deactivate, resolveServerPath };
