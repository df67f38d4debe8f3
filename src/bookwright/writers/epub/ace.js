/* Ace by DAISY for bookwright's EPUB gate, checking only what changed (writers/epub/ace.py
   starts it and reads its answers).

   Ace's own library (@daisy/ace-core) checks the EPUB: its package checks, then every content
   document through an "axe runner" it is handed. This program hands it a runner of its own:
   a content document is opened in Chromium and checked only when no earlier check saw the same
   document, with the same bytes, loading the same files (stylesheets, fonts, images: whatever
   the browser asked for while showing it). Otherwise the runner gives back the raw result of
   that earlier check, and Ace turns it into the same report as before: a failing verdict stays
   a failing verdict.

   A cache entry is one file per document check, named by the hash of what the check read
   besides the loaded files (Ace's and axe's versions and scripts, the browser, the document's
   path and bytes); it records each loaded file's hash, which must still match, and carries a
   hash of its own payload. An entry that is missing, damaged or of another shape is a miss.

   The browser starts at the first document that must be checked, so a book whose documents
   are all known never starts one, and then stays open: `bookwright serve` keeps this program
   running between builds. A plain build sends one request and closes standard input, which
   closes the browser and ends the program.

   Protocol: one JSON request per line on standard input,
     {"id": number, "epub": path, "cache": folder or null, "scratch": folder, "browser": identity}
   and one JSON answer per line on standard output, with the request's id,
     {"id": number, "report": Ace's report, "checked": [documents sent to the browser], "reused": [...]}
   or {"id": number, "error": message}. Ace's own output (it prints its report) is kept off standard output. */

"use strict";

const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { createRequire } = require("module");
const { fileURLToPath, pathToFileURL } = require("url");

const FORMAT = "bookwright-ace-2";
const BASE_URL = "@@bookwright-epub-url@@";
const BASE_PATH = "@@bookwright-epub-path@@";
const SYSTEM_TEMPORARY = os.tmpdir(); // before any request points TMPDIR at its scratch folder

// The protocol owns standard output; Ace writes its report and stray messages there.
const reply = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;

// Ace's modules, found from the ace-cli the gate located (a checkout's .tools or a global install);
// the browser's profile goes in the gate's scratch folder.
const aceCli = fs.realpathSync(process.argv[2]);
const PROFILES = process.argv[3] || SYSTEM_TEMPORARY;
const fromCli = createRequire(aceCli);
const aceCoreMain = fromCli.resolve("@daisy/ace-core");
const ace = fromCli("@daisy/ace-core");
const fromCore = createRequire(aceCoreMain);
const winston = fromCore("winston");
const fromRunner = createRequire(fromCli.resolve("@daisy/ace-axe-runner-puppeteer"));
const puppeteer = fromRunner("puppeteer");
const { addScripts, addScriptContents } = fromRunner("@daisy/puppeteer-utils");

winston.configure({ transports: [new winston.transports.Console({ silent: true })] });

function sha256(data) {
  return crypto.createHash("sha256").update(data).digest("hex");
}

function packageVersion(main, name) {
  let folder = path.dirname(main);
  while (folder !== path.dirname(folder)) {
    const file = path.join(folder, "package.json");
    if (fs.existsSync(file)) {
      const data = JSON.parse(fs.readFileSync(file, "utf8"));
      if (data.name === name) return data.version;
    }
    folder = path.dirname(folder);
  }
  return "unknown";
}

const TOOL = {
  format: FORMAT,
  aceCore: packageVersion(aceCoreMain, "@daisy/ace-core"),
  aceReportAxe: packageVersion(fromCore.resolve("@daisy/ace-report-axe"), "@daisy/ace-report-axe"),
  puppeteer: packageVersion(fromRunner.resolve("puppeteer"), "puppeteer"),
};

// The scripts Ace injects (axe and its own) are part of every key, by content.
const scriptHashes = new Map();
function scriptHash(file) {
  if (!scriptHashes.has(file)) scriptHashes.set(file, sha256(fs.readFileSync(file)));
  return scriptHashes.get(file);
}

function fileHash(file) {
  try {
    return sha256(fs.readFileSync(file));
  } catch (err) {
    return null; // asked for and missing: it must still be missing
  }
}

function isInside(file, folder) {
  const relative = path.relative(folder, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

// --- the browser, started when first needed -----------------------------------------------------

let browser = null;
let profile = null;
let timeout = 240000;

function startBrowser() {
  if (browser === null) {
    profile = profile || fs.mkdtempSync(path.join(PROFILES, "browser-"));
    browser = puppeteer.launch({
      args: ["--no-sandbox", "--disable-setuid-sandbox", "--disable-gpu"],
      headless: true,
      userDataDir: profile,
      // Chromium keeps its sockets in the temporary folder, whose path must stay short; not
      // the request's scratch folder, which goes with the request.
      env: { ...process.env, TMPDIR: SYSTEM_TEMPORARY },
      timeout: 60000,
      protocolTimeout: timeout,
    }).then((started) => {
      started.on("disconnected", () => { browser = null; });
      return started;
    }, (err) => {
      browser = null;
      throw err;
    });
  }
  return browser;
}

async function stopBrowser() {
  const running = browser;
  browser = null;
  if (running) {
    try {
      await (await running).close();
    } catch (err) {
      // already gone
    }
  }
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  profile = null;
}

/* One document in a fresh tab, as Ace's puppeteer runner checks it: no network (http and https
   requests are refused), an .html document read as XHTML, Ace's scripts added, its run awaited.
   Returns the raw result and the file: URLs the page asked for. */
async function checkInBrowser(url, scripts, scriptContents) {
  const page = await (await startBrowser()).newPage();
  const asked = new Set();
  try {
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const wanted = request.url();
      if (/^https?:\/\//i.test(wanted)) {
        request.abort();
        return;
      }
      if (wanted.startsWith("file:")) asked.add(wanted);
      if (request.resourceType() === "document" && /^file:\//.test(wanted) && /\.html?$/i.test(wanted)) {
        fs.readFile(new URL(wanted), "utf8", (err, text) => {
          if (err) request.continue();
          else request.respond({ status: 200, contentType: "application/xhtml+xml", body: text });
        });
        return;
      }
      request.continue();
    });
    await page.goto(url);
    await addScriptContents(scriptContents, page);
    await addScripts(scripts, page);
    const result = await page.evaluate(() => new Promise((resolve, reject) => {
      let tries = 0;
      const attempt = () => {
        const daisy = window.daisy;
        if (!daisy || !daisy.ace || !daisy.ace.run || !window.axe) {
          if (++tries < 15) setTimeout(attempt, 400);
          else reject(new Error("Ace's scripts did not load"));
          return;
        }
        daisy.ace.run((err, res) => (err ? reject(err) : resolve(res)));
      };
      attempt();
    }));
    return { result, asked };
  } finally {
    try {
      await page.close();
    } catch (err) {
      // the browser went away; the next document starts a new one
    }
  }
}

// --- the cache ----------------------------------------------------------------------------------

function withoutBase(text, basedir) {
  return text.split(pathToFileURL(basedir).href).join(BASE_URL)
    .split(JSON.stringify(basedir).slice(1, -1)).join(BASE_PATH);
}

function withBase(text, basedir) {
  return text.split(BASE_URL).join(pathToFileURL(basedir).href)
    .split(BASE_PATH).join(JSON.stringify(basedir).slice(1, -1));
}

function readEntry(file, basedir) {
  let entry;
  try {
    entry = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    return null;
  }
  if (!entry || typeof entry.payload !== "string" || entry.checksum !== sha256(entry.payload)) return null;
  let payload;
  try {
    payload = JSON.parse(entry.payload);
  } catch (err) {
    return null;
  }
  if (!payload || payload.format !== FORMAT || typeof payload.resources !== "object" || payload.resources === null ||
      typeof payload.result !== "string") return null;
  for (const [relative, hash] of Object.entries(payload.resources)) {
    const loaded = path.resolve(basedir, relative);
    if (!isInside(loaded, basedir) || fileHash(loaded) !== hash) return null;
  }
  try {
    const result = JSON.parse(withBase(payload.result, basedir));
    return isRawResult(result) ? result : null;
  } catch (err) {
    return null;
  }
}

// What a check in the browser returns: axe's results (with its lists of rules) beside Ace's own.
function isRawResult(result) {
  const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
  return isObject(result) && isObject(result.axe) &&
    ["violations", "passes", "incomplete", "inapplicable"].every((list) => Array.isArray(result.axe[list]));
}

function writeEntry(file, result, asked, documentPath, basedir) {
  const resources = {};
  for (const wanted of asked) {
    const address = new URL(wanted);
    address.search = "";
    address.hash = "";
    const loaded = fileURLToPath(address);
    if (loaded === documentPath) continue;
    if (!isInside(loaded, basedir)) return; // it read something outside the book: check it every time
    resources[path.relative(basedir, loaded).split(path.sep).join("/")] = fileHash(loaded);
  }
  const payload = JSON.stringify({ format: FORMAT, resources, result: withoutBase(JSON.stringify(result), basedir) });
  const text = JSON.stringify({ checksum: sha256(payload), payload });
  const temporary = `${file}.${process.pid}.part`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true }); // a cache that cannot be written only costs time
  }
}

// --- the runner Ace is handed -------------------------------------------------------------------

function makeRunner(request) {
  const checked = [];
  const reused = [];
  const used = new Set();
  const runner = {
    concurrency: Math.max(1, Math.min(4, os.cpus().length)),
    checked,
    reused,
    used,
    setTimeout(ms) {
      timeout = parseInt(ms, 10) || timeout;
    },
    async launch() {}, // the browser starts with the first document not in the cache
    async close() {}, // and stays open until standard input ends
    async run(url, scripts, scriptContents, basedir) {
      const documentPath = fileURLToPath(url);
      const relative = path.relative(basedir, documentPath).split(path.sep).join("/");
      const key = sha256(JSON.stringify({
        tool: TOOL,
        browser: request.browser || "",
        scripts: scripts.map(scriptHash),
        scriptContents,
        document: relative,
        bytes: sha256(fs.readFileSync(documentPath)),
      }));
      const file = request.cache ? path.join(request.cache, `${key}.json`) : null;
      if (file) {
        used.add(`${key}.json`);
        const known = readEntry(file, basedir);
        if (known) {
          reused.push(relative);
          return known;
        }
      }
      const { result, asked } = await checkInBrowser(url, scripts, scriptContents);
      checked.push(relative);
      if (file && isRawResult(result)) writeEntry(file, result, asked, documentPath, basedir);
      return result;
    },
  };
  return runner;
}

function prune(folder, used) {
  if (!folder || used.size === 0) return;
  let names = [];
  try {
    names = fs.readdirSync(folder);
  } catch (err) {
    return;
  }
  for (const name of names) {
    if (!used.has(name)) fs.rmSync(path.join(folder, name), { force: true });
  }
}

async function handle(request) {
  // Ace unpacks the EPUB into the system's temporary folder; this one is the gate's own,
  // removed with everything in it after the answer.
  process.env.TMPDIR = request.scratch;
  const runner = makeRunner(request);
  const [, report] = await ace(request.epub, { cwd: process.cwd(), silent: true }, runner);
  prune(request.cache, runner.used);
  return { report, checked: runner.checked.sort(), reused: runner.reused.sort() };
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let answer;
    let id = null;
    try {
      const request = JSON.parse(line);
      id = request.id === undefined ? null : request.id;
      answer = await handle(request);
    } catch (err) {
      answer = { error: String((err && err.message) || err) };
    } finally {
      process.env.TMPDIR = SYSTEM_TEMPORARY;
    }
    reply(`${JSON.stringify({ id, ...answer })}\n`);
  }
  await stopBrowser();
}

main().then(() => process.exit(0), async (err) => {
  process.stderr.write(`${(err && err.stack) || err}\n`);
  await stopBrowser();
  process.exit(1);
});
