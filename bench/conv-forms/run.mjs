// The generator's stride-2 k4 p1 ConvTranspose layers (B = 8, the pack's shapes) and their adjoint
// Conv, each against equivalent rewrites, interleaved, median process-CPU ms of REPS runs
// (onnxruntime-web wasm 1 thread, or onnxruntime-node 1 thread). Outputs are checked equal first.
//   for f in subpixel nhwc_matmul batch_fold; do /usr/bin/python3 bench/conv-forms/$f.py /tmp/conv-forms; done
//   node bench/conv-forms/run.mjs /tmp/conv-forms [web|node] [reps]
import { readFileSync } from 'node:fs';
const [dir, flavour = 'web', repsArg = '30'] = process.argv.slice(2);
const REPS = Number(repsArg);
const ort = flavour === 'node' ? await import('onnxruntime-node') : await import('onnxruntime-web');
if (flavour !== 'node') ort.env.wasm.numThreads = 1;
const opts = flavour === 'node' ? { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' }
  : { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
const idx = JSON.parse(readFileSync(`${dir}/index.json`, 'utf8'));
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]; };
let seed = 7; const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const totals = {};
for (const L of idx.layers) {
  for (const dirn of ['fwd', 'bwd']) {
    const names = dirn === 'fwd' ? ['convT', 'conv3d2s', 'conv2x4d2s', 'fold', 'nhwcmm'] : ['conv', 's2dconv3', 's2dconv2x4', 'fold', 'nhwcmm'];
    const shape = dirn === 'fwd' ? [idx.B, L.ci, L.H, L.H] : [idx.B, L.co, 2 * L.H, 2 * L.H];
    const n = shape.reduce((a, b) => a * b);
    const feed = { [dirn === 'fwd' ? 'x' : 'dy']: new ort.Tensor('float32', Float32Array.from({ length: n }, rand), shape) };
    const sess = [];
    for (const nm of names) {
      const buf = readFileSync(`${dir}/L${L.layer}_${dirn}_${nm}.onnx`);
      sess.push(flavour === 'node' ? await ort.InferenceSession.create(buf, opts) : await ort.InferenceSession.create(buf, opts));
    }
    const toNhwc = (d, [b, c, hh, ww]) => { const o = new Float32Array(d.length); for (let i = 0; i < b; i++) for (let k = 0; k < c; k++) for (let y = 0; y < hh; y++) for (let x = 0; x < ww; x++) o[((i * hh + y) * ww + x) * c + k] = d[((i * c + k) * hh + y) * ww + x]; return o; };
    const key = Object.keys(feed)[0];
    const feeds = names.map((nm) => nm === 'nhwcmm' ? { [key]: new ort.Tensor('float32', toNhwc(feed[key].data, shape), [shape[0], shape[2], shape[3], shape[1]]) } : feed);
    const outs = [];
    for (let k = 0; k < sess.length; k++) { const o = Object.values(await sess[k].run(feeds[k]))[0]; outs.push(names[k] === 'nhwcmm' ? null : o.data); if (names[k] !== 'nhwcmm') outs.shape = o.dims; else outs.nhwc = o.data; }
    outs[names.indexOf('nhwcmm')] = toNhwc(outs[0], outs.shape); outs[0] = outs[0];
    { const k = names.indexOf('nhwcmm'); const refN = outs[k]; outs[k] = outs.nhwc; outs.refN = refN; }
    const ref = outs[0]; let scale = 0; for (const v of ref) scale = Math.max(scale, Math.abs(v));
    const errs = outs.map((o, k) => { const r = names[k] === 'nhwcmm' ? outs.refN : ref; let e = 0; for (let i = 0; i < o.length; i++) e = Math.max(e, Math.abs(o[i] - r[i])); return e / scale; });
    for (let w = 0; w < 3; w++) for (let k = 0; k < sess.length; k++) await sess[k].run(feeds[k]);
    const t = names.map(() => []);
    for (let r = 0; r < REPS; r++) for (let k = 0; k < sess.length; k++) { const c0 = process.cpuUsage(); await sess[k].run(feeds[k]); const c = process.cpuUsage(c0); t[k].push((c.user + c.system) / 1000); }
    const med = t.map(median);
    const gf = med.map((m) => (2 * L.macs) / m / 1e6);
    console.log(`L${L.layer} ${dirn} ${L.ci}->${L.co} H=${L.H}: ` + names.map((nm, k) => `${nm} ${med[k].toFixed(2)} ms (${gf[k].toFixed(1)} GF/s eff, err ${errs[k].toExponential(1)})`).join(' | '));
    names.forEach((nm, k) => { totals[`${dirn}:${nm}`] = (totals[`${dirn}:${nm}`] ?? 0) + med[k]; });
    for (const s of sess) await s.release();
  }
}
console.log('totals (sum of medians, ms):', JSON.stringify(Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, +v.toFixed(2)]))));
