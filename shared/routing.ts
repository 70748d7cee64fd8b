// Routing vocabulary both sides use: LiteLLM's strategy names, in the order the app offers them.
export const ROUTING_STRATEGIES = ['simple-shuffle', 'least-busy', 'latency-based-routing', 'usage-based-routing', 'usage-based-routing-v2', 'cost-based-routing'] as const;

export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];
