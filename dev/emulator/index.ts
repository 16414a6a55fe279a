export { EmulatedFigma, contentHash, type EmulatorHooks, type EmulatorOptions } from './figma';
export { EmuEllipse, EmuFrame, EmuGroup, EmuInstance, EmuPage, EmuRectangle, EmuSceneNode, EmuText, EmuVector, PLUGIN_DATA_LIMIT } from './nodes';
export { decodePngRgba, encodePngRgba, type Rgba } from './raster';
