export { EmulatedFigma, contentHash, type EmulatorHooks, type EmulatorOptions } from './figma';
export { EmuEllipse, EmuFrame, EmuGroup, EmuPage, EmuRectangle, EmuSceneNode, PLUGIN_DATA_LIMIT } from './nodes';
export { decodePngRgba, encodePngRgba, type Rgba } from './raster';
