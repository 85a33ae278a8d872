/**
 * The rehype plugin that lets content tables stack on narrow screens: every body cell gets its
 * column's header text as `data-label`, which the stylesheet shows in front of the cell once
 * the table is laid out as one card per row. A body row's first cell becomes its row header
 * (`<th scope="row">`) when the table's top-left header cell is empty, as in a comparison table.
 * Tables without a header row are left as they are.
 */
import type { Element, ElementContent, Root } from 'hast';
import { visit } from 'unist-util-visit';

export function rehypeStackedTables() {
  return function transformer(tree: Root): void {
    visit(tree, 'element', (table: Element) => {
      if (table.tagName !== 'table') return;
      const rows = childElements(table).flatMap((section) => (section.tagName === 'tr' ? [section] : childElements(section).filter((e) => e.tagName === 'tr')));
      const [head, ...body] = rows;
      if (!head || !childElements(head).every((cell) => cell.tagName === 'th')) return;
      const labels = childElements(head).map(text);
      const rowHeaders = labels[0] === '';
      for (const row of body) {
        childElements(row).forEach((cell, column) => {
          if (column === 0 && rowHeaders) {
            cell.tagName = 'th';
            cell.properties.scope = 'row';
          } else if (labels[column]) {
            cell.properties.dataLabel = labels[column];
          }
        });
      }
      table.properties.className = [...classList(table.properties.className), 'stacked-table'];
    });
  };
}

function childElements(node: Element): Element[] {
  return node.children.filter((c): c is Element => c.type === 'element');
}

function text(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  return node.type === 'element' ? node.children.map(text).join('').trim() : '';
}

function classList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/\s+/) : [];
}
