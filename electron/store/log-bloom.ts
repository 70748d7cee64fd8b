// A Bloom filter per log segment: "which ids, keys and models might be in here" in about ten bits
// per value, so a lookup by id or a filter by key skips the segments that cannot hold a match.
const BITS_PER_VALUE = 10;
const HASHES = 7;

export class Bloom {
  private constructor(private readonly bits: Uint8Array) {}

  /** A filter sized for `values`, holding them. */
  static of(values: Iterable<string>, count: number): Bloom {
    const bloom = new Bloom(new Uint8Array(Math.max(8, Math.ceil((count * BITS_PER_VALUE) / 8))));
    for (const value of values) bloom.add(value);
    return bloom;
  }

  static fromBase64(text: string): Bloom {
    return new Bloom(new Uint8Array(Buffer.from(text, 'base64')));
  }

  toBase64(): string {
    return Buffer.from(this.bits).toString('base64');
  }

  mightHave(value: string): boolean {
    const [h1, step, size] = this.hashes(value);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * step) % size;
      if ((this.bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  }

  private add(value: string): void {
    const [h1, step, size] = this.hashes(value);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * step) % size;
      this.bits[bit >>> 3] = this.bits[bit >>> 3]! | (1 << (bit & 7));
    }
  }

  /**
   * Double hashing (Kirsch–Mitzenmacher): position i is (h1 + i·step) mod size, from two 32-bit
   * FNV-1a variants. Plain loops, not a generator: sealing a segment hashes tens of thousands of values.
   */
  private hashes(value: string): [h1: number, step: number, size: number] {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    return [h1 >>> 0, (h2 | 1) >>> 0, this.bits.length * 8];
  }
}
