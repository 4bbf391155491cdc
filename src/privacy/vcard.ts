import type { PublicProfile } from "../users/serialize";

// vCard 4.0 (RFC 6350): CRLF line ends, text values escaped (\\, \,, \n; \; in ORG), every line longer
// than 75 octets folded (CRLF and one space) between whole UTF-8 characters.

const MAX_LINE_OCTETS = 75;

/** A TEXT value: backslash, comma and newline escaped; a semicolon too in a compound one (ORG). */
function escapeText(value: string, compound = false): string {
  const special = compound ? /[\\,;]/g : /[\\,]/g;
  return value.replace(special, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, "\\n");
}

/** One content line, folded. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    // A continuation line starts with the space, which counts towards its 75 octets.
    const limit = parts.length === 0 ? MAX_LINE_OCTETS : MAX_LINE_OCTETS - 1;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return `${parts.join("\r\n ")}\r\n`;
}

/** One vCard for a person met: their in-event name and only what their profile shares. */
export function vcardOf(name: string, profile: PublicProfile | null): string {
  const lines = ["BEGIN:VCARD", "VERSION:4.0", `FN:${escapeText(name)}`];
  if (profile?.organization) lines.push(`ORG:${escapeText(profile.organization, true)}`);
  if (profile?.title) lines.push(`TITLE:${escapeText(profile.title)}`);
  if (profile?.bio) lines.push(`NOTE:${escapeText(profile.bio)}`);
  if (profile?.profilePhoto) lines.push(`PHOTO:${profile.profilePhoto}`);
  const links = profile?.socialLinks ?? {};
  if (links.linkedin) lines.push(`URL;TYPE=linkedin:${links.linkedin}`);
  if (links.github) lines.push(`URL;TYPE=github:${links.github}`);
  for (const link of links.other ?? []) lines.push(`URL:${link.url}`);
  lines.push("END:VCARD");
  return lines.map(foldLine).join("");
}
