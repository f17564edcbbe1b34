import { describe, expect, it } from "vitest";
import { displayName, MAX_FILE_NAME_LENGTH } from "./file-name.ts";

describe("an upload's display name", () => {
  it("keeps only the last path segment, whichever slash the client used", () => {
    expect(displayName("../../etc/passwd")).toBe("passwd");
    expect(displayName("..\\x")).toBe("x");
    expect(displayName("C:\\Users\\ann\\report.pdf")).toBe("report.pdf");
    expect(displayName("/")).toBe("file");
    expect(displayName("a/..")).toBe("file");
  });

  it("drops NUL, control and bidi characters", () => {
    expect(displayName("a\u0000b.txt")).toBe("ab.txt");
    expect(displayName("line\r\nbreak\t.txt")).toBe("linebreak.txt");
    expect(displayName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
  });

  it("falls back to 'file' for nothing showable", () => {
    expect(displayName(undefined)).toBe("file");
    expect(displayName("")).toBe("file");
    expect(displayName("\u0000\u0001")).toBe("file");
    expect(displayName("   ")).toBe("file");
  });

  it("cuts long names at 200 characters without splitting an emoji", () => {
    expect(displayName("x".repeat(500))).toHaveLength(MAX_FILE_NAME_LENGTH);
    const emoji = displayName("😀".repeat(300));
    expect(Array.from(emoji)).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(emoji).toBe("😀".repeat(MAX_FILE_NAME_LENGTH));
  });

  it("keeps ordinary names as they are", () => {
    expect(displayName("Résumé 2024 (final).pdf")).toBe("Résumé 2024 (final).pdf");
    expect(displayName("日本語.txt")).toBe("日本語.txt");
  });
});
