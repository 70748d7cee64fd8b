// Reads an app.asar (Electron's archive format) without a dependency: an 8-byte pickle giving
// the header's size, a pickled JSON header (the file tree with offsets), then the file bytes.
// Files electron-builder left unpacked live beside it in app.asar.unpacked.
import { closeSync, copyFileSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface AsarNode {
  files?: Record<string, AsarNode>;
  offset?: string;
  size?: number;
  unpacked?: boolean;
  link?: string;
}

interface AsarFile {
  path: string;
  node: AsarNode;
}

function readHeader(archive: string): { root: AsarNode; dataOffset: number } {
  const fd = openSync(archive, 'r');
  try {
    const sizePickle = Buffer.alloc(8);
    readSync(fd, sizePickle, 0, 8, 0);
    const headerSize = sizePickle.readUInt32LE(4);
    const headerPickle = Buffer.alloc(headerSize);
    readSync(fd, headerPickle, 0, headerSize, 8);
    const json = headerPickle.subarray(8, 8 + headerPickle.readUInt32LE(4)).toString('utf8');
    return { root: JSON.parse(json) as AsarNode, dataOffset: 8 + headerSize };
  } finally {
    closeSync(fd);
  }
}

function* walk(node: AsarNode, prefix: string): Generator<AsarFile> {
  for (const [name, child] of Object.entries(node.files ?? {})) {
    const path = `${prefix}/${name}`;
    if (child.files) yield* walk(child, path);
    else yield { path, node: child };
  }
}

/** Every file in the archive, as "/dist/electron/main.js". */
export function listAsar(archive: string): string[] {
  return [...walk(readHeader(archive).root, '')].map((file) => file.path);
}

/** Writes every file of the archive under `destination` (links are skipped). */
export function extractAsar(archive: string, destination: string): void {
  const { root, dataOffset } = readHeader(archive);
  const fd = openSync(archive, 'r');
  try {
    for (const { path, node } of walk(root, '')) {
      if (node.link !== undefined) continue;
      const target = join(destination, path);
      mkdirSync(dirname(target), { recursive: true });
      if (node.unpacked) {
        copyFileSync(join(`${archive}.unpacked`, path), target);
        continue;
      }
      const bytes = Buffer.alloc(node.size ?? 0);
      readSync(fd, bytes, 0, bytes.length, dataOffset + Number(node.offset ?? 0));
      writeFileSync(target, bytes);
    }
  } finally {
    closeSync(fd);
  }
}
