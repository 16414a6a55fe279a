/**
 * Draws RGBA bytes into a canvas at their own size (`size`×`size`, or `width`×`height`); CSS
 * scales it: crisply for the model's images (pixelated), smoothly for the layer and its preview.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';

export function RgbaCanvas({ data, size, width = size, height = size, class: cls, label, testId }: { data: Uint8ClampedArray | null; size?: number; width?: number; height?: number; class?: string; label?: string; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const w = width ?? 1, h = height ?? 1;
  // Drawn in the commit that changes the attributes around it (a layout effect, not useEffect, which
  // runs a frame later): otherwise the canvas says "frame 5" while still showing frame 15 for a
  // moment, which is what preview-wysiwyg.test.ts once read on CI (sequence frame 30/255 off).
  useLayoutEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    if (!data || data.length !== w * h * 4) {
      ctx.clearRect(0, 0, w, h);
      return;
    }
    ctx.putImageData(new ImageData(new Uint8ClampedArray(data), w, h), 0, 0);
  }, [data, w, h]);
  return <canvas ref={ref} width={w} height={h} class={cls} role={label ? 'img' : undefined} aria-label={label} data-testid={testId} />;
}
