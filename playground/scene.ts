/** The playground's document: sample images as image-fill layers, plus a few other nodes. */
import type { EmulatedFigma } from '../dev/emulator';

export const SAMPLES = ['avatar-ada.png', 'avatar-grace.png', 'avatar-linus.png', 'emoji-smiley.png', 'emoji-plant.png'] as const;

export function buildScene(figma: EmulatedFigma, images: Record<string, Uint8Array>): void {
  const imageLayer = (name: string, file: string, x: number, y: number, w = 256, h = 256, scaleMode: 'FILL' | 'FIT' = 'FILL') => {
    const rect = figma.createRectangle();
    rect.name = name;
    rect.resize(w, h);
    rect.x = x;
    rect.y = y;
    rect.fills = [{ type: 'IMAGE', imageHash: figma.createImage(images[file]).hash, scaleMode }];
    return rect;
  };
  imageLayer('Ada', 'avatar-ada.png', 0, 0);
  imageLayer('Grace', 'avatar-grace.png', 320, 0);
  imageLayer('Smiley', 'emoji-smiley.png', 640, 28, 200, 200);

  // A vector-like composition (no image fill): read through exportAsync.
  const badge = figma.createFrame();
  badge.name = 'Badge';
  badge.resize(200, 200);
  badge.x = 0;
  badge.y = 340;
  badge.fills = [{ type: 'SOLID', color: { r: 0.93, g: 0.95, b: 1 } }];
  const disc = figma.createEllipse();
  disc.name = 'Disc';
  disc.resize(150, 150);
  disc.fills = [{ type: 'SOLID', color: { r: 0.45, g: 0.3, b: 0.95 } }];
  badge.appendChild(disc);
  disc.x = 25;
  disc.y = 25;
  const bar = figma.createRectangle();
  bar.name = 'Bar';
  bar.resize(110, 28);
  bar.fills = [{ type: 'SOLID', color: { r: 1, g: 0.8, b: 0.2 } }];
  badge.appendChild(bar);
  bar.x = 45;
  bar.y = 86;

  // An auto-layout row: results from inside it land on the page, not in the row.
  const row = figma.createFrame();
  row.name = 'Auto-layout row';
  row.layoutMode = 'HORIZONTAL';
  row.itemSpacing = 16;
  row.padding = 16;
  row.resize(560, 288);
  row.x = 280;
  row.y = 340;
  const linus = imageLayer('Linus', 'avatar-linus.png', 0, 0);
  row.appendChild(linus);
  const plant = imageLayer('Plant', 'emoji-plant.png', 0, 0);
  row.appendChild(plant);
  figma.resetHistory();
}
