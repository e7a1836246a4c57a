/*
 * The smallest edit that sets one leaf element of a metadata file: replace its text when present, otherwise insert it in
 * its alphabetical place among its siblings (the order orgs return), with the indentation of its neighbours. Every other
 * byte stays as retrieved, because a deploy is declarative: whatever an edit drops is reset in the org.
 */
import { childElements, decodeText, rootElement, XmlScanError, type ElementRange } from './xml-scan.js';

export type FlagEdit = {
  /** Parent elements below the root, e.g. `['oauthConfig']` for a Connected App; `[]` for ECA global OAuth settings. */
  path: string[];
  element: string;
  value: string;
};

export type FlagEditResult = { xml: string; changed: boolean; previous?: string };

export class FlagEditError extends Error {}

export function setLeaf(xml: string, edit: FlagEdit): FlagEditResult {
  let parent: ElementRange;
  try {
    parent = rootElement(xml);
    for (const name of edit.path) {
      const next = childElements(xml, parent.contentStart, parent.contentEnd).find((c) => c.name === name);
      if (!next) throw new FlagEditError(`The file has no <${name}> element.`);
      parent = next;
    }
  } catch (e) {
    if (e instanceof XmlScanError) throw new FlagEditError(`The file is not well-formed XML: ${e.message}`);
    throw e;
  }
  if (parent.selfClosing) throw new FlagEditError(`<${parent.name}/> is empty; cannot add <${edit.element}> to it.`);
  const children = childElements(xml, parent.contentStart, parent.contentEnd);
  const existing = children.find((c) => c.name === edit.element);
  if (existing) {
    const previous = decodeText(xml.slice(existing.contentStart, existing.contentEnd).trim());
    if (previous === edit.value) return { xml, changed: false, previous };
    const replacement = `<${edit.element}>${escapeText(edit.value)}</${edit.element}>`;
    return { xml: xml.slice(0, existing.start) + replacement + xml.slice(existing.end), changed: true, previous };
  }
  return { xml: insert(xml, parent, children, edit), changed: true };
}

/** Reads a leaf's text (undefined when absent). */
export function readLeaf(xml: string, path: string[], element: string): string | undefined {
  let parent = rootElement(xml);
  for (const name of path) {
    const next = childElements(xml, parent.contentStart, parent.contentEnd).find((c) => c.name === name);
    if (!next) return undefined;
    parent = next;
  }
  const leaf = childElements(xml, parent.contentStart, parent.contentEnd).find((c) => c.name === element);
  return leaf ? decodeText(xml.slice(leaf.contentStart, leaf.contentEnd).trim()) : undefined;
}

const sortKey = (name: string): string => name.toLowerCase();

function insert(xml: string, parent: ElementRange, children: ElementRange[], edit: FlagEdit): string {
  const element = `<${edit.element}>${escapeText(edit.value)}</${edit.element}>`;
  // After the last sibling that sorts before it, so a comment above the next sibling stays with that sibling.
  const before = children.filter((c) => sortKey(c.name) < sortKey(edit.element)).pop();
  if (before) {
    return xml.slice(0, before.end) + '\n' + indentBefore(xml, before.start) + element + xml.slice(before.end);
  }
  const first = children[0];
  if (first) {
    return xml.slice(0, first.start) + element + '\n' + indentBefore(xml, first.start) + xml.slice(first.start);
  }
  const parentIndent = indentBefore(xml, parent.start);
  return (
    xml.slice(0, parent.contentStart) +
    '\n' +
    parentIndent +
    '    ' +
    element +
    '\n' +
    parentIndent +
    xml.slice(parent.contentEnd)
  );
}

/** The run of spaces and tabs between the previous line break and `offset`. */
function indentBefore(xml: string, offset: number): string {
  let i = offset;
  while (i > 0 && (xml[i - 1] === ' ' || xml[i - 1] === '\t')) i--;
  return xml.slice(i, offset);
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Removes a leaf element with its line (indentation and line break), every other byte as it was; the file is returned
 * unchanged when the element is absent.
 */
export function removeLeaf(xml: string, path: string[], element: string): string {
  let parent = rootElement(xml);
  for (const name of path) {
    const next = childElements(xml, parent.contentStart, parent.contentEnd).find((c) => c.name === name);
    if (!next) return xml;
    parent = next;
  }
  const leaf = childElements(xml, parent.contentStart, parent.contentEnd).find((c) => c.name === element);
  if (!leaf) return xml;
  let start = leaf.start;
  while (start > 0 && (xml[start - 1] === ' ' || xml[start - 1] === '\t')) start--;
  let end = leaf.end;
  if (xml[end] === '\r') end++;
  if (xml[end] === '\n') end++;
  // Keep the line when the element shared it with something else.
  if (start > 0 && xml[start - 1] !== '\n') return xml.slice(0, leaf.start) + xml.slice(leaf.end);
  return xml.slice(0, start) + xml.slice(end);
}
