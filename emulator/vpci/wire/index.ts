// The vPCI wire format: typed messages and completions, one decoder per
// direction that never throws, and the encoders (protocol.md §2, §3).
export * from './types';
export { decodeMessage, encodeMessage, decodeMessageWith, messageType } from './message';
export { decodeCompletion, encodeCompletion, decodeCompletionWith, completionKindFor, translateReplyMsiSize } from './completions';
export {
  resourceLength,
  memoryResource,
  EMPTY_RESOURCE,
  CM_RESOURCE_TYPE,
  CM_RESOURCE_MEMORY_LARGE_40,
  CM_RESOURCE_MEMORY_LARGE_48,
  CM_RESOURCE_MEMORY_LARGE_64,
  FUNCTION_DESCRIPTION_SIZE,
  FUNCTION_DESCRIPTION2_SIZE,
  HV_MSI_DESC_SIZE,
  HV_MSI_DESC2_SIZE,
  HV_MSI_DESC3_SIZE,
  TRAN_INT_DESC_SIZE,
  PARTIAL_RESOURCE_SIZE,
} from './common';
export { DEVICE_TRANSLATE_HEADER, MSI_SLOT_SIZE } from './resources';
export { DEVICE_POWER_STATE } from './power';
export { Reader } from './codec';
