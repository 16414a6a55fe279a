/// <reference types="@figma/plugin-typings" />
/**
 * Entry of dist/code.js, the only file that touches the `figma` global. The assignment
 * below is the compile-time proof that the real API provides everything HostApi declares.
 */
import { ASSETS } from 'manifold:assets';
import type { HostApi } from './host';
import { startPlugin } from './main';

const host: HostApi = figma;
startPlugin(host, __html__, ASSETS);
