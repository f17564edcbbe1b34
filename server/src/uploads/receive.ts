import type { IncomingMessage } from "node:http";
import { err, ErrorCode, type ErrorCode as Code, ok, type Result } from "@mesh/schema";
import busboy from "busboy";
import { displayName } from "./file-name.ts";
import type { StoredFile, UploadStore } from "./store.ts";

/** What a multipart body may carry besides the file: boundaries and part headers, never megabytes. */
export const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

/** A file taken off a request and kept in the store, with the name it is shown under. */
export interface ReceivedFile extends StoredFile {
  name: string;
}

const ONE_FILE = "send multipart/form-data with exactly one part: the file, named 'file'";

/**
 * Read a multipart/form-data body holding one file part named `file`, streaming the file into
 * the store as it arrives. Settles only once nothing of a refused or broken upload is left on
 * disk: bad_input for anything but that one part, a malformed body or a client that went away;
 * payload_too_large past the store's cap or a body past cap + envelope. After a refusal the
 * rest of the body is left unread: the caller answers and hangs up. A file received is held in
 * the store: the caller calls `store.release(sha256)` once it has recorded it (or refused it).
 */
export function receiveFile(req: IncomingMessage, store: UploadStore, maxBodyBytes: number): Promise<Result<ReceivedFile>> {
  const contentType = req.headers["content-type"] ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return Promise.resolve(err(ErrorCode.BadInput, ONE_FILE));
  let parser: busboy.Busboy;
  try {
    // utf8: browsers send file names raw in UTF-8, not in latin1 as busboy assumes by default.
    parser = busboy({ headers: req.headers, defParamCharset: "utf8", limits: { files: 1, fields: 0, headerPairs: 16 } });
  } catch {
    return Promise.resolve(err(ErrorCode.BadInput, `${ONE_FILE} (no boundary in Content-Type)`));
  }

  return new Promise((resolve, reject) => {
    const stop = new AbortController();
    let saving: Promise<Result<StoredFile>> | undefined;
    let name = "file";
    let refusal: Result<ReceivedFile> | undefined;
    let received = 0;
    let settled = false;

    const cleanup = () => {
      req.off("data", count);
      req.off("error", gone);
      req.off("close", closed);
    };
    /** Settle once, after any save under way has deleted its temp file. */
    const settle = (outcome: Promise<Result<ReceivedFile>>) => {
      if (settled) return;
      settled = true;
      cleanup();
      outcome.then(resolve, reject);
    };
    const refuse = (code: Code, message: string) => {
      if (refusal || settled) return;
      refusal = err(code, message);
      req.unpipe(parser);
      stop.abort();
      parser.destroy();
      const answer = refusal;
      // A file saved whole before the refusal (a second part after it) goes too, unless something uses its bytes.
      const discarded = saving?.then((saved) => {
        if (saved.ok) store.release(saved.value.sha256);
      });
      settle((discarded ?? Promise.resolve()).then(() => answer, () => answer));
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBodyBytes) refuse(ErrorCode.PayloadTooLarge, `body over ${maxBodyBytes} bytes`);
    };
    const gone = () => refuse(ErrorCode.BadInput, "the client went away mid-upload");
    const closed = () => {
      if (!req.complete) gone();
    };

    parser.on("file", (field, stream, info) => {
      if (refusal || settled || field !== "file") {
        // Unread, it is destroyed with an error when the parser is; unheard, that error would end the process.
        stream.on("error", () => {});
        stream.resume();
        // Past a refusal (a part the parser had buffered already) it is dropped unsaved: nobody would clean up after it.
        if (refusal || settled) return;
        return refuse(ErrorCode.BadInput, `${ONE_FILE} (got a file part named '${field.slice(0, 50)}')`);
      }
      name = displayName(info.filename);
      saving = store.save(stream, stop.signal);
      saving.then(
        (saved) => {
          if (!saved.ok) refuse(saved.error.code, saved.error.message);
        },
        () => {},
      );
    });
    parser.on("filesLimit", () => refuse(ErrorCode.BadInput, `${ONE_FILE} (got more than one file)`));
    parser.on("fieldsLimit", () => refuse(ErrorCode.BadInput, `${ONE_FILE} (got a field that is not a file)`));
    parser.on("error", () => refuse(ErrorCode.BadInput, `${ONE_FILE} (the multipart body is malformed or ends early)`));
    parser.on("close", () => {
      if (refusal || settled) return;
      if (!saving) return refuse(ErrorCode.BadInput, `${ONE_FILE} (no file part)`);
      // The body is read; the file may still be flushing to disk.
      settle(saving.then((saved) => (saved.ok ? ok({ ...saved.value, name }) : saved)));
    });

    req.on("data", count);
    req.on("error", gone);
    req.on("close", closed);
    req.pipe(parser);
  });
}
