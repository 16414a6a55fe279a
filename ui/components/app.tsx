/** The panel shell: what is selected, what this host can do, and the round-trip Apply. */
import { useEffect, useMemo } from 'preact/hooks';
import type { SelectedImage } from '../../protocol/messages';
import type { Capabilities } from '../capabilities';
import type { PanelState } from '../state/store';

export interface AppProps {
  state: PanelState;
  onApply(): void;
}

function CapabilityBadge({ caps }: { caps: Capabilities | null }) {
  if (!caps) return <span class="badge" data-testid="caps">probing…</span>;
  const label = caps.webgpu === 'adapter' ? 'WebGPU' : caps.threads ? 'WASM · threads' : 'WASM · 1 thread';
  const title = [
    `hosted as ${caps.hosting}`,
    caps.secureContext ? 'secure context' : 'not a secure context',
    `WebGPU: ${caps.webgpu}${caps.adapter ? ` (${caps.adapter})` : ''}`,
    caps.threads ? 'threads available' : 'no threads (not cross-origin isolated)',
  ].join('\n');
  return (
    <span class={`badge ${caps.webgpu === 'adapter' ? 'badge-gpu' : ''}`} title={title} data-testid="caps" data-hosting={caps.hosting} data-secure={String(caps.secureContext)} data-webgpu={caps.webgpu} data-threads={String(caps.threads)}>
      {label}
      <span class="badge-detail">{caps.secureContext ? ' · secure' : ' · insecure'}</span>
    </span>
  );
}

function Thumbnail({ image }: { image: SelectedImage }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([image.bytes as BlobPart], { type: image.mime })), [image.bytes, image.mime]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <img class="thumb" src={url} alt={image.name} />;
}

function Selection({ state }: { state: PanelState }) {
  const sel = state.selection;
  if (!sel) return <div class="empty" data-testid="selection" data-kind="waiting">Connecting…</div>;
  switch (sel.kind) {
    case 'none':
      return (
        <div class="empty" data-testid="selection" data-kind="none">
          <strong>Select a layer</strong>
          <p>An image, an illustration or a frame. Manifold finds the closest image its model can make, and lets you edit it.</p>
        </div>
      );
    case 'multiple':
      return (
        <div class="empty" data-testid="selection" data-kind="multiple">
          <strong>{sel.count} layers selected</strong>
          <p>Select one layer.</p>
        </div>
      );
    case 'unsupported':
      return (
        <div class="empty" data-testid="selection" data-kind="unsupported">
          <strong>{sel.name}</strong>
          <p>{sel.reason}</p>
        </div>
      );
    case 'image': {
      const img = sel.image;
      return (
        <div class="selected" data-testid="selection" data-kind="image" data-node-id={img.nodeId} data-width={img.width} data-height={img.height} data-source={img.source}>
          <Thumbnail image={img} />
          <div class="meta">
            <strong title={img.name}>{img.name}</strong>
            <span>
              {img.width}×{img.height} px · {img.source === 'image-fill' ? `image fill (${img.fill?.scaleMode.toLowerCase()})` : 'exported'}
            </span>
            {img.record && <span>Manifold result · {img.record.packId === 'none' ? 'round trip' : `model ${img.record.packId}`}</span>}
          </div>
        </div>
      );
    }
  }
}

function Assets({ state }: { state: PanelState }) {
  const { assets } = state;
  const total = assets.expected.reduce((n, a) => n + a.bytes, 0);
  const packs = new Set(assets.expected.filter((a) => a.packId).map((a) => a.packId)).size;
  const text =
    assets.status === 'failed'
      ? `Assets failed: ${assets.error}`
      : assets.status === 'ready'
        ? `Runtime ready · ${(total / 1048576).toFixed(1)} MB · ${packs} model pack${packs === 1 ? '' : 's'}`
        : `Loading runtime… ${assets.received.length}/${assets.expected.length}`;
  return (
    <div class={`footer-line ${assets.status === 'failed' ? 'error' : ''}`} data-testid="assets" data-status={assets.status} data-count={assets.received.length}>
      {text}
    </div>
  );
}

export function App({ state, onApply }: AppProps) {
  const canApply = state.selection?.kind === 'image' && state.apply.status !== 'working';
  const { apply } = state;
  return (
    <div class="panel">
      <header>
        <h1>Manifold</h1>
        <CapabilityBadge caps={state.caps} />
      </header>
      <main>
        <Selection state={state} />
      </main>
      <footer>
        <div class="status" data-testid="status" data-status={apply.status}>
          {apply.status === 'working' && 'Writing the result…'}
          {apply.status === 'done' && `Added ${apply.nodeIds?.length ?? 0} layer${apply.nodeIds?.length === 1 ? '' : 's'}.`}
          {apply.status === 'failed' && <span class="error">{apply.message}</span>}
          {state.lastError && apply.status === 'idle' && <span class="error">{state.lastError}</span>}
        </div>
        <button class="primary" disabled={!canApply} onClick={onApply} data-testid="apply" title="Round trip: decode the image and write it back as a new layer">
          Apply
        </button>
        <Assets state={state} />
      </footer>
    </div>
  );
}
