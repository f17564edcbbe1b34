import { generateKeyPairSync } from "node:crypto";
import { utils } from "ssh2";
import { describe, expect, it } from "vitest";
import { ed25519Pair } from "./keygen.ts";
import { parsePublicKey } from "./public-key.ts";

/** An OpenSSH public line for an RSA key of `bits`, built from node:crypto (ssh2 makes none under 2048). */
function rsaLine(bits: number): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const parsed = utils.parseKey(privateKey.export({ type: "pkcs1", format: "pem" }));
  if (parsed instanceof Error) throw parsed;
  return `ssh-rsa ${parsed.getPublicSSH().toString("base64")} old@box`;
}

describe("ed25519Pair", () => {
  it("makes only keys that parse (ssh2's own generator drops a leading zero byte about once in 256)", () => {
    for (let i = 0; i < 1500; i++) {
      const pair = ed25519Pair();
      expect(parsePublicKey(pair.public).ok, pair.public).toBe(true);
    }
  });
});

describe("parsePublicKey", () => {
  it("takes one ed25519 or ecdsa public line, with or without a comment, and gives OpenSSH's fingerprint", () => {
    const ed = ed25519Pair("ann@laptop").public;
    const parsed = parsePublicKey(`  ${ed}\n`);
    expect(parsed.ok && parsed.value).toMatchObject({ algo: "ssh-ed25519", fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/) });
    const bare = parsePublicKey(ed.split(" ").slice(0, 2).join(" "));
    expect(bare.ok && parsed.ok && bare.value.fingerprint).toBe(parsed.ok && parsed.value.fingerprint);
    expect(parsePublicKey(utils.generateKeyPairSync("ecdsa", { bits: 256 }).public).ok).toBe(true);
  });

  it("refuses private keys, garbage, several keys, options in front, DSA and short RSA keys", () => {
    const pair = ed25519Pair();
    const refused = (text: string) => {
      const parsed = parsePublicKey(text);
      return parsed.ok ? "accepted" : parsed.error.code;
    };
    expect(parsePublicKey(pair.private)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/private key/) } });
    expect(refused("garbage")).toBe("bad_input");
    expect(refused("")).toBe("bad_input");
    expect(refused("ssh-ed25519 AAAA")).toBe("bad_input");
    expect(refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0iXXXX")).toBe("bad_input");
    expect(refused(`${pair.public}\n${ed25519Pair().public}`)).toBe("bad_input");
    expect(refused(`from="10.0.0.1" ${pair.public}`)).toBe("bad_input");
    expect(refused(pair.public.replace("ssh-ed25519", "ssh-dss"))).toBe("bad_input");
    expect(refused(pair.public.replace("ssh-ed25519", "ecdsa-sha2-nistp256"))).toBe("bad_input");
    expect(refused(rsaLine(1024))).toBe("bad_input");
    expect(refused(rsaLine(2048))).toBe("accepted");
  });
});
