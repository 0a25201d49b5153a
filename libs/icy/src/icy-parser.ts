/**
 * An incremental parser of ICY listener streams (`Icy-MetaData: 1` bodies) that separates audio
 * from metadata blocks, for tests, relays and the test kit. Pure: it only consumes bytes.
 */
import {
  IcyMetadataCharsetError,
  IcyMetadataPaddingError,
  IcyMetadataSyntaxError,
  IcyTruncatedBlockError,
  type IcyFramingError,
} from './errors.js';
import { decodeMetadataBlock, type DecodedMetadata, type IcyCharset } from './metadata.js';

/** One metadata block found in the stream. */
export interface IcyParsedBlock {
  /** Audio bytes of the stream before this block, i.e. the offset of the audio it describes. */
  audioOffset: number;
  /** The whole block as it was on the wire, length byte first. */
  raw: Uint8Array;
  /** The decoded fields, present only for blocks with content (length byte above 0). */
  meta?: DecodedMetadata;
}

/** What one {@link IcyStreamParser.push} call found. */
export interface IcyParseResult {
  /** Audio slices in stream order; they are views into the pushed chunk, not copies. */
  audio: Uint8Array[];
  /** Metadata blocks completed by this chunk, in stream order. */
  blocks: IcyParsedBlock[];
}

/** Options of {@link IcyStreamParser}. */
export interface IcyStreamParserOptions {
  /**
   * Check block content too, not only the framing: NUL-only padding of minimal length, text of
   * the form `StreamTitle='…';` then further `Key='…';` fields, no `'` inside a value (so no
   * injection is possible), no control characters, each key once, and valid text in `charset`.
   * Default true. Turn it off to read Icecast itself, which does not escape `'`.
   */
  strict?: boolean;
  /** Charset of the block text; `auto` takes UTF-8 when valid, Latin-1 otherwise. Default `auto`. */
  charset?: IcyCharset | 'auto';
}

/** The block text grammar PenguinCast writes: StreamTitle first, every value free of `'`. */
const STRICT_TEXT = /^StreamTitle='[^']*';(?:[A-Za-z][A-Za-z0-9_]*='[^']*';)*$/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point here.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const KEY = /([A-Za-z][A-Za-z0-9_]*)='/g;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits an ICY body into audio and metadata blocks as they arrive, in any chunking: feeding one
 * byte at a time gives the same audio bytes and blocks as feeding the whole body at once.
 * A framing violation throws an {@link IcyFramingError} subclass, after which the parser is
 * spent and throws the same error again.
 */
export class IcyStreamParser {
  /** Audio bytes between two blocks, the `icy-metaint` the server announced. */
  readonly metaint: number;
  /** Whether block content is checked, see {@link IcyStreamParserOptions.strict}. */
  readonly strict: boolean;
  /** Charset used to decode block text. */
  readonly charset: IcyCharset | 'auto';
  /** Audio bytes still expected before the next block; 0 while a block is due or being read. */
  untilMeta: number;
  /** Audio bytes seen so far. */
  audioBytes = 0;
  /** The block being assembled, length byte first, or `undefined` between blocks. */
  block: Uint8Array | undefined = undefined;
  /** Bytes of {@link IcyStreamParser.block} filled so far. */
  blockFill = 0;
  /** The error that spent this parser, if any. */
  failure: IcyFramingError | undefined = undefined;

  constructor(metaint: number, options: IcyStreamParserOptions = {}) {
    if (!Number.isSafeInteger(metaint) || metaint < 1) {
      throw new TypeError(`metaint must be a positive integer, got ${metaint}`);
    }
    this.metaint = metaint;
    this.strict = options.strict ?? true;
    this.charset = options.charset ?? 'auto';
    this.untilMeta = metaint;
  }

  /** True while the parser is between a block's length byte and its last byte. */
  get inBlock(): boolean {
    return this.block !== undefined;
  }

  /** Consumes the next bytes of the body and returns the audio and blocks they complete. */
  push(chunk: Uint8Array): IcyParseResult {
    if (this.failure !== undefined) {
      throw this.failure;
    }
    const result: IcyParseResult = { audio: [], blocks: [] };
    let i = 0;
    while (i < chunk.length) {
      if (this.untilMeta > 0) {
        const n = Math.min(this.untilMeta, chunk.length - i);
        result.audio.push(chunk.subarray(i, i + n));
        i += n;
        this.untilMeta -= n;
        this.audioBytes += n;
        continue;
      }
      let block = this.block;
      if (block === undefined) {
        const units = chunk[i] ?? 0;
        i += 1;
        block = new Uint8Array(1 + units * 16);
        block[0] = units;
        this.block = block;
        this.blockFill = 1;
      }
      const n = Math.min(block.length - this.blockFill, chunk.length - i);
      block.set(chunk.subarray(i, i + n), this.blockFill);
      this.blockFill += n;
      i += n;
      if (this.blockFill === block.length) {
        this.block = undefined;
        this.blockFill = 0;
        this.untilMeta = this.metaint;
        result.blocks.push(this.finishBlock(block));
      }
    }
    return result;
  }

  /**
   * Declares the end of the body. In strict mode, ending inside a metadata block throws
   * {@link IcyTruncatedBlockError}; ending inside audio is always fine.
   */
  end(): void {
    if (this.failure !== undefined) {
      throw this.failure;
    }
    if (this.strict && this.block !== undefined) {
      this.fail(
        new IcyTruncatedBlockError(
          `stream ended after ${this.blockFill} of ${this.block.length} metadata block bytes`,
          this.audioBytes,
        ),
      );
    }
  }

  /** Checks (in strict mode) and decodes a complete block. */
  private finishBlock(raw: Uint8Array): IcyParsedBlock {
    const parsed: IcyParsedBlock = { audioOffset: this.audioBytes, raw };
    if (raw.length === 1) {
      return parsed;
    }
    if (this.strict) {
      this.checkBlock(raw);
    }
    parsed.meta = decodeMetadataBlock(raw, this.charset);
    return parsed;
  }

  /** Applies the strict rules of {@link IcyStreamParserOptions.strict} to a non-empty block. */
  private checkBlock(raw: Uint8Array): void {
    const at = this.audioBytes;
    const payload = raw.subarray(1);
    const nul = payload.indexOf(0);
    const textEnd = nul === -1 ? payload.length : nul;
    for (let j = textEnd; j < payload.length; j++) {
      if (payload[j] !== 0) {
        this.fail(new IcyMetadataPaddingError(`byte ${j} of a metadata block follows a NUL`, at));
      }
    }
    if (Math.ceil(textEnd / 16) !== raw[0]) {
      this.fail(
        new IcyMetadataPaddingError(
          `metadata length byte ${raw[0]} does not fit ${textEnd} bytes of text`,
          at,
        ),
      );
    }
    const bytes = payload.subarray(0, textEnd);
    let text: string;
    if (this.charset === 'latin1') {
      text = new TextDecoder('latin1').decode(bytes);
    } else {
      try {
        text = strictUtf8.decode(bytes);
      } catch (err) {
        if (this.charset === 'utf-8') {
          this.fail(
            new IcyMetadataCharsetError('metadata text is not valid UTF-8', at, { cause: err }),
          );
        }
        text = new TextDecoder('latin1').decode(bytes);
      }
    }
    if (CONTROL.test(text)) {
      this.fail(new IcyMetadataSyntaxError('metadata text holds a control character', at));
    }
    if (!STRICT_TEXT.test(text)) {
      this.fail(
        new IcyMetadataSyntaxError(
          `metadata text is not StreamTitle='…'; followed by Key='…'; fields: ${JSON.stringify(text.slice(0, 200))}`,
          at,
        ),
      );
    }
    const keys = new Set<string>();
    KEY.lastIndex = 0;
    for (let m = KEY.exec(text); m !== null; m = KEY.exec(text)) {
      const key = m[1] ?? '';
      if (keys.has(key)) {
        this.fail(new IcyMetadataSyntaxError(`metadata field ${key} appears twice`, at));
      }
      keys.add(key);
      // Skip the value: strict text has no quote inside values, so it ends at the next `';`.
      KEY.lastIndex = text.indexOf("';", KEY.lastIndex) + 2;
    }
  }

  /** Records the error that spends this parser, then throws it. */
  private fail(err: IcyFramingError): never {
    this.failure = err;
    throw err;
  }
}
