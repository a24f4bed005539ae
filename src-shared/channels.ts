// Names the transports share. Kept free of imports: the sandboxed preload may require only `electron`.
export const IPC_INVOKE_CHANNEL = 'waybill:invoke';
export const IPC_EVENT_CHANNEL = 'waybill:event';
export const BRIDGE_TOKEN_HEADER = 'x-waybill-token';
