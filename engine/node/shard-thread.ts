/** A Node worker thread that is a shard of an engine (the bench's stand-in for the panel's helper workers). */
import { parentPort } from 'node:worker_threads';
import { installShardHost } from '../worker/shard-host.js';

if (!parentPort) throw new Error('shard-thread: run me as a worker thread');
const port = parentPort;
installShardHost({ postMessage: (m, t) => port.postMessage(m, t as never), addEventListener: (_t, l) => port.on('message', (data) => l({ data })) });
