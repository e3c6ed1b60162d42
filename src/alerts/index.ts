// Change alerts: the entry points for the CLI, the server and sync. After an ingest, call
// `enqueueAlerts(store)` and then `sendAlerts(store)`.
export { alertStatus, SubscriptionError, subscribe, unsubscribe } from "./admin.js";
export { type SendOptions, type SendSummary, sendAlerts } from "./deliver.js";
export { type EnqueueOptions, type EnqueueSummary, enqueueAlerts } from "./outbox.js";
export { listSubscriptions, publicView } from "./subscriptions.js";
