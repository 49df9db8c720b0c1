// Renders every math block of an nnderive Markdown document with KaTeX and reports the failures.
// stdin: a JSON list of {"tex": "...", "display": true|false}; stdout: a JSON list of failures
// {"index", "tex", "error"}; exit code 1 when any block failed, 0 otherwise.
"use strict";
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const blocks = JSON.parse(input);
  const failures = [];
  blocks.forEach((block, index) => {
    try {
      katex.renderToString(block.tex, { throwOnError: true, displayMode: Boolean(block.display) });
    } catch (err) {
      failures.push({ index, tex: block.tex, error: String(err.message || err) });
    }
  });
  process.stdout.write(JSON.stringify(failures, null, 1) + "\n");
  process.exit(failures.length ? 1 : 0);
});
