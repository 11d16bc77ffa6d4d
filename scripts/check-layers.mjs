#!/usr/bin/env node
// Keeps the layer map of ARCHITECTURE.md true: every file under src/ belongs to one layer, imports
// (type imports included) only point to its own layer or lower ones, and no import cycle exists.
// Prints the layer map with line counts. `node scripts/check-layers.mjs [root]`.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Lowest layer first; a path belongs to the first layer with a matching prefix. */
export const LAYERS = [
  { name: "values, errors", paths: ["src/values/", "src/errors.ts", "src/util/", "src/version.ts"] },
  { name: "formats", paths: ["src/format/"] },
  { name: "contracts", paths: ["src/contracts/", "src/archive/"] },
  { name: "configuration files", paths: ["src/config/"] },
  { name: "backends", paths: ["src/backends/"] },
  { name: "manager", paths: ["src/manager/"] },
  { name: "typed stores", paths: ["src/stores/"] },
  { name: "jobs", paths: ["src/jobs/"] },
  { name: "command line", paths: ["src/cli/"] },
  { name: "package entry", paths: ["src/index.ts"] },
];

const root = resolve(process.argv[2] ?? ".");

function sourceFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (entry.endsWith(".ts")) found.push(relative(root, path));
  }
  return found;
}

function layerOf(file) {
  const index = LAYERS.findIndex((layer) => layer.paths.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p)));
  return index;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file) {
  const text = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "");
  const targets = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (!spec.startsWith(".")) continue;
    let target = relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, ".ts");
    if (!existsSync(join(root, target)) && existsSync(join(root, target.replace(/\.ts$/, ""), "index.ts"))) {
      target = join(target.replace(/\.ts$/, ""), "index.ts");
    }
    targets.push(target);
  }
  return targets;
}

const files = sourceFiles(join(root, "src")).sort();
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const problems = [];
const lines = LAYERS.map(() => ({ files: 0, lines: 0 }));

for (const file of files) {
  const layer = layerOf(file);
  if (layer < 0) {
    problems.push(`${file} belongs to no layer (add it to LAYERS in scripts/check-layers.mjs and to ARCHITECTURE.md)`);
    continue;
  }
  lines[layer].files += 1;
  lines[layer].lines += readFileSync(join(root, file), "utf8").split("\n").length - 1;
  for (const target of graph.get(file)) {
    if (!graph.has(target)) {
      problems.push(`${file} imports ${target}, which does not exist`);
      continue;
    }
    const targetLayer = layerOf(target);
    if (targetLayer > layer) {
      problems.push(`upward import: ${file} (${LAYERS[layer].name}) imports ${target} (${LAYERS[targetLayer].name})`);
    }
  }
}

// Tarjan's strongly connected components: every component with more than one file is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function visit(file) {
  index.set(file, counter);
  low.set(file, counter);
  counter += 1;
  stack.push(file);
  onStack.add(file);
  for (const target of graph.get(file) ?? []) {
    if (!graph.has(target)) continue;
    if (!index.has(target)) {
      visit(target);
      low.set(file, Math.min(low.get(file), low.get(target)));
    } else if (onStack.has(target)) low.set(file, Math.min(low.get(file), index.get(target)));
  }
  if (low.get(file) === index.get(file)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file).includes(file)) {
      problems.push(`import cycle of ${component.length} files: ${component.sort().join(", ")}`);
    }
  }
}
for (const file of files) if (!index.has(file)) visit(file);

// ARCHITECTURE.md's layer table must say the same as LAYERS.
const architecture = join(root, "ARCHITECTURE.md");
if (!existsSync(architecture)) problems.push("ARCHITECTURE.md is missing");
else {
  const rows = [...readFileSync(architecture, "utf8").matchAll(/^\| (\d+) \| ([^|]+?) \| ([^|]+?) \|$/gm)];
  const documented = rows.map((row) => `${row[2]}: ${row[3]}`).join("\n");
  const actual = LAYERS.map((layer) => `${layer.name}: ${layer.paths.join(" ")}`).join("\n");
  if (documented !== actual) {
    problems.push(`ARCHITECTURE.md's layer table differs from LAYERS in scripts/check-layers.mjs:\n${documented}\n-- versus --\n${actual}`);
  }
}

console.log("layer map (lowest first; a file imports only its own layer or lower ones):");
LAYERS.forEach((layer, i) => {
  const { files: count, lines: total } = lines[i];
  console.log(`  ${String(i + 1).padStart(2)}. ${layer.name.padEnd(20)} ${String(count).padStart(3)} files ${String(total).padStart(6)} lines  ${layer.paths.join(" ")}`);
});
if (problems.length) {
  for (const problem of problems) console.error(`check-layers: ${problem}`);
  process.exit(1);
}
console.log(`check-layers: ${files.length} files, no upward import, no cycle`);
