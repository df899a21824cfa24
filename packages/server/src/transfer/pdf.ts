import type { PDFFont } from 'pdf-lib';

/**
 * A record as a plain, printable PDF (pdf-lib): its title, a line of facts and its text,
 * wrapped to A4/Letter-safe margins, in Helvetica. Characters Helvetica cannot show are written
 * as `?` (the JSON beside it in the bag has them all). The document's dates are the record's,
 * so the same record always makes the same PDF.
 */
export async function recordPdf(doc: { title: string; facts: string; body: string; at: Date }) {
  // pdf-lib is loaded when a transfer first makes a PDF (not at every start).
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  pdf.setTitle(doc.title);
  pdf.setProducer('Hotline transfer (pdf-lib)');
  pdf.setCreator('Hotline');
  pdf.setCreationDate(doc.at);
  pdf.setModificationDate(doc.at);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const shown = new Set(font.getCharacterSet());
  const printable = (s: string) =>
    [...s].map((c) => (c === '\t' ? '    ' : shown.has(c.codePointAt(0)!) ? c : '?')).join('');
  const width = 612;
  const height = 792;
  const margin = 56;
  let page = pdf.addPage([width, height]);
  let y = height - margin;
  const line = (text: string, f: PDFFont, size: number) => {
    for (const l of wrap(printable(text), f, size, width - 2 * margin)) {
      if (y < margin + size) {
        page = pdf.addPage([width, height]);
        y = height - margin;
      }
      page.drawText(l, { x: margin, y: y - size, size, font: f });
      y -= size * 1.35;
    }
  };
  line(doc.title, bold, 14);
  line(doc.facts, font, 9);
  y -= 8;
  for (const para of doc.body.split(/\r?\n/)) line(para, font, 11);
  return pdf.save({ useObjectStreams: false });
}

function wrap(text: string, font: PDFFont, size: number, max: number): string[] {
  if (text === '') return [''];
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/ +/)) {
    const next = cur ? `${cur} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= max) {
      cur = next;
      continue;
    }
    if (cur) out.push(cur);
    // A word wider than the line is cut where it fills it.
    let w = word;
    while (font.widthOfTextAtSize(w, size) > max) {
      let n = w.length - 1;
      while (n > 1 && font.widthOfTextAtSize(w.slice(0, n), size) > max) n--;
      out.push(w.slice(0, n));
      w = w.slice(n);
    }
    cur = w;
  }
  if (cur) out.push(cur);
  return out;
}
