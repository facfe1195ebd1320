import type { TextLine } from './resume-fields';

/** The part of a PDF.js text item this reads (`TextItem` of `getTextContent()`). */
export interface PositionedText {
  str: string;
  transform: number[];
  width: number;
}

interface Piece {
  text: string;
  size: number;
  x: number;
  end: number;
  y: number;
}

/**
 * PDF.js gives a page's text as pieces placed on the page. This joins pieces that share a baseline
 * and a font size into lines, and splits a baseline where a wide gap separates two columns, so that
 * "Jane Doe" in a header is one line even when a contact block sits on the same baseline.
 */
export function linesFromTextItems(items: readonly PositionedText[]): TextLine[] {
  const pieces: Piece[] = [];
  for (const item of items) {
    const [a = 0, b = 0, c = 0, d = 0, x = 0, y = 0] = item.transform;
    // Vertical or rotated text (a sidebar label) is not part of any line we look for.
    if (Math.abs(b) > Math.abs(a) * 0.1 || Math.abs(c) > Math.abs(d) * 0.1) continue;
    const size = Math.hypot(c, d);
    if (!item.str || size <= 0) continue;
    pieces.push({ text: item.str, size, x, end: x + item.width, y });
  }
  pieces.sort((one, other) => other.y - one.y || one.x - other.x);

  const lines: Piece[][] = [];
  for (const piece of pieces) {
    const line = lines.find((candidate) => {
      const last = candidate.at(-1)!;
      const sameBaseline = Math.abs(last.y - piece.y) <= Math.min(last.size, piece.size) * 0.3;
      const sameSize = Math.abs(last.size - piece.size) <= Math.max(last.size, piece.size) * 0.2;
      const gap = piece.x - last.end;
      return sameBaseline && sameSize && gap < Math.max(last.size, piece.size) * 1.5 && gap > -last.size;
    });
    if (line) line.push(piece);
    else lines.push([piece]);
  }

  return lines
    .map((line) => {
      let text = '';
      let previous: Piece | null = null;
      for (const piece of line) {
        const touching = previous && piece.x - previous.end < previous.size * 0.15;
        text += previous && !touching && !/\s$/.test(text) && !/^\s/.test(piece.text) ? ` ${piece.text}` : piece.text;
        previous = piece;
      }
      return {
        text: text.replace(/\s+/g, ' ').trim(),
        fontSize: Math.max(...line.map((piece) => piece.size)),
        x: line[0]!.x,
        y: line[0]!.y,
      };
    })
    .filter((line) => line.text.length > 0)
    .sort((one, other) => other.y - one.y || one.x - other.x);
}
