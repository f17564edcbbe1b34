/** The longest name shown for an upload, in characters (code points). */
export const MAX_FILE_NAME_LENGTH = 200;

// C0 and C1 controls, DEL, and the bidi controls that can make "gpj.exe" read as "exe.jpg".
const UNSHOWABLE = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The name an upload is shown (and downloaded) under: the client's file name cut to its last
 * path segment, with control characters and slashes gone, at most 200 characters, else "file".
 * Only ever displayed: the stored file is named by its sha256.
 */
export function displayName(raw: string | undefined): string {
  const base = (raw ?? "").split(/[/\\]/).pop() ?? "";
  const clean = base.replace(UNSHOWABLE, "").replace(LONE_SURROGATE, "").trim();
  const name = Array.from(clean).slice(0, MAX_FILE_NAME_LENGTH).join("").trim();
  return name === "" || name === "." || name === ".." ? "file" : name;
}
