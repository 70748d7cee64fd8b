// The views' ids and labels, in menu order, without their components (the router needs them
// before any view is loaded). registry.ts pairs each with its component.
export const VIEW_IDS = ['overview', 'providers', 'models', 'keys', 'logs', 'sessions', 'mcp', 'playground', 'connect'] as const;

export type ViewId = (typeof VIEW_IDS)[number];
