// An npm package tarball (gzipped ustar, every file under package/), written without npm so the
// server can build it anywhere node runs. Fixed times and modes: the same files give the same bytes.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const BLOCK = 512;
/** npm's own fixed mtime for packed files (1985-10-26). */
const MTIME = 499162500;

/** Pack every file under `dir` as `package/<relative path>`, in name order. */
export function packDirectory(dir) {
  const files = listFiles(dir).sort();
  const blocks = [];
  for (const relative of files) {
    const data = fs.readFileSync(path.join(dir, relative));
    blocks.push(header(`package/${relative}`, data.length), data, Buffer.alloc(pad(data.length)));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

function listFiles(dir, prefix = "") {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return listFiles(dir, relative);
    if (entry.isFile()) return [relative];
    return [];
  });
}

function header(name, size) {
  const block = Buffer.alloc(BLOCK);
  const { prefix, base } = splitName(name);
  block.write(base, 0, 100, "utf8");
  octal(block, 100, 8, 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, MTIME);
  block.write("0", 156, 1, "ascii"); // a regular file
  block.write("ustar\u000000", 257, 8, "ascii");
  block.write(prefix, 345, 155, "utf8");
  // The checksum is computed with its own field read as spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, 8, "ascii");
  return block;
}

/** ustar keeps names up to 100 bytes, or 155 more as a prefix split at a slash. */
function splitName(name) {
  if (Buffer.byteLength(name) <= 100) return { prefix: "", base: name };
  for (let i = name.indexOf("/"); i !== -1; i = name.indexOf("/", i + 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new Error(`file name too long for a tarball: ${name}`);
}

function octal(block, offset, length, value) {
  block.write(`${value.toString(8).padStart(length - 1, "0")}\u0000`, offset, length, "ascii");
}

function pad(size) {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
