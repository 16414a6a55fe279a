/** Small 16 px line icons (Figma-like), drawn in currentColor. */
import type { JSX } from 'preact';

const Icon = ({ children, size = 16 }: { children: JSX.Element | JSX.Element[]; size?: number }) => (
  <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
    {children}
  </svg>
);

export const BrushIcon = () => <Icon><path d="M10.5 2.5l3 3-6 6-3-3z" /><path d="M4.5 8.5c-2 0-2.5 2-2.5 5 2.5 0 5-.5 5-2.5" /></Icon>;
export const SketchIcon = () => <Icon><path d="M2 12c2-4 4-8 6-6s-1 6 1 6 3-5 5-7" /></Icon>;
export const WarpIcon = () => <Icon><circle cx="4.5" cy="11.5" r="2.5" /><path d="M6.5 9.5l6-6M9 3.5h3.5V7" /></Icon>;
export const EraserIcon = () => <Icon><path d="M6 13.5h7.5M2.5 9.5l6-6 4 4-6 6h-2z" /><path d="M5.5 6.5l4 4" /></Icon>;
export const EyedropperIcon = () => <Icon><path d="M10 2.5l3.5 3.5-1.5 1.5-3.5-3.5zM9.5 5.5L3 12v1.5h1.5L11 7" /></Icon>;
export const UndoIcon = () => <Icon><path d="M5.5 4L2.5 7l3 3" /><path d="M2.5 7h7a3.5 3.5 0 010 7H7" /></Icon>;
export const RedoIcon = () => <Icon><path d="M10.5 4l3 3-3 3" /><path d="M13.5 7h-7a3.5 3.5 0 000 7H9" /></Icon>;
export const EyeIcon = () => <Icon><path d="M1.5 8s2.5-4.5 6.5-4.5S14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z" /><circle cx="8" cy="8" r="2" /></Icon>;
export const ModelIcon = () => <Icon><rect x="2.5" y="2.5" width="11" height="11" rx="1" /><path d="M2.5 8h11M8 2.5v11" /><path d="M2.5 5.25h5.5M5.25 2.5V8" stroke-dasharray="1 1" /></Icon>;
export const PlayIcon = () => <Icon><path d="M5 3.5v9l7-4.5z" fill="currentColor" /></Icon>;
export const PauseIcon = () => <Icon><path d="M5 3.5v9M11 3.5v9" stroke-width="2" /></Icon>;
export const InfoIcon = () => <Icon><circle cx="8" cy="8" r="6" /><path d="M8 7.5v3.5" /><circle cx="8" cy="5.25" r=".4" fill="currentColor" /></Icon>;
export const CloseIcon = () => <Icon><path d="M4.5 4.5l7 7M11.5 4.5l-7 7" /></Icon>;
export const LayersIcon = ({ size = 32 }: { size?: number }) => (
  <Icon size={size}><path d="M8 2l6 3.5L8 9 2 5.5z" /><path d="M2 8.5L8 12l6-3.5" /><path d="M2 11.5L8 15l6-3.5" /></Icon>
);
export const GripIcon = () => <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><path d="M13 5L5 13M13 9l-4 4" stroke="currentColor" stroke-width="1.2" /></svg>;
