import { StringDecoder } from "node:string_decoder";
import { Transform, type TransformCallback } from "node:stream";

/**
 * What a terminal sends, with every line cut at `maxChars`: the rest of an over-long line is
 * dropped up to its Enter (CR or LF), and `onCut` is called once for that line. Line editing
 * walks a line key by key, so a 100,000-character paste would hold the thread for seconds.
 */
export function capLines(maxChars: number, onCut: () => void): Transform {
  const decoder = new StringDecoder("utf8");
  let length = 0;
  let cutting = false;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const text = decoder.write(chunk);
      let kept = "";
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 13 || c === 10) {
          if (!cutting) kept += text.slice(start, i);
          kept += text[i];
          start = i + 1;
          length = 0;
          cutting = false;
        } else if (++length > maxChars && !cutting) {
          kept += text.slice(start, i);
          cutting = true;
          onCut();
        }
      }
      if (!cutting) kept += text.slice(start);
      done(null, kept.length ? Buffer.from(kept, "utf8") : undefined);
    },
  });
}
