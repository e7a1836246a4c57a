/*
 * A scanner over XML text that reports each element's exact character range, so an edit can change a few characters
 * and leave every other byte (comments, entities, line breaks, indentation) as retrieved.
 * Ours rather than a parser's: fast-xml-parser (which reads XML elsewhere here) gives values, not offsets, and writing
 * the document back from them would reformat every line of a file that a reviewer diffs and a backup restores.
 */
export type ElementRange = {
  name: string;
  /** Offset of `<name`. */
  start: number;
  /** Offset just after the closing `</name>` (or after `/>`). */
  end: number;
  /** Content range between the start and end tags (empty for `<name/>`). */
  contentStart: number;
  contentEnd: number;
  selfClosing: boolean;
};

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^>]*?)?(\/?)>/g;

export class XmlScanError extends Error {}

/** The direct child elements of the range [from, to) (the content of one element, or the whole document). */
export function childElements(xml: string, from: number, to: number): ElementRange[] {
  const out: ElementRange[] = [];
  const stack: Array<{ name: string; start: number; contentStart: number }> = [];
  TOKEN.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(xml)) && m.index < to) {
    const [token, closing, name, selfClose] = m;
    if (!name) continue;
    const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new XmlScanError(`Unbalanced </${name}> at offset ${m.index}`);
      if (stack.length === 0) {
        out.push({
          name: localName(open.name),
          start: open.start,
          end: m.index + token.length,
          contentStart: open.contentStart,
          contentEnd: m.index,
          selfClosing: false,
        });
      }
    } else if (selfClose) {
      if (stack.length === 0) {
        const end = m.index + token.length;
        out.push({ name: local, start: m.index, end, contentStart: end, contentEnd: end, selfClosing: true });
      }
    } else {
      stack.push({ name, start: m.index, contentStart: m.index + token.length });
    }
  }
  if (stack.length) throw new XmlScanError(`Unclosed <${stack[stack.length - 1].name}>`);
  return out;
}

function localName(name: string): string {
  return name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
}

/** The document's root element. */
export function rootElement(xml: string): ElementRange {
  const roots = childElements(xml, 0, xml.length);
  if (roots.length !== 1) throw new XmlScanError('Expected exactly one root element');
  return roots[0];
}

/** Decodes the five predefined entities and numeric references of a text node. */
export function decodeText(raw: string): string {
  return raw
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
