/** Draws R×R RGBA bytes into a canvas at their own size; CSS scales it up crisply (pixelated). */
import { useEffect, useRef } from 'preact/hooks';

export function RgbaCanvas({ data, size, class: cls, label, testId }: { data: Uint8ClampedArray | null; size: number; class?: string; label?: string; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    if (!data || data.length !== size * size * 4) {
      ctx.clearRect(0, 0, size, size);
      return;
    }
    ctx.putImageData(new ImageData(new Uint8ClampedArray(data), size, size), 0, 0);
  }, [data, size]);
  return <canvas ref={ref} width={size} height={size} class={cls} role={label ? 'img' : undefined} aria-label={label} data-testid={testId} />;
}
