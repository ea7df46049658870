// Package bus is earshot's thin layer over Kafka: a synchronous Writer, a
// consumer-group Reader that hands out batches and commits only when told
// to, dead letters, topic creation and an embedded in-process broker.
//
// Delivery is at-least-once everywhere: a Write that fails may have written
// some messages, and a Reader that is closed or crashes before Commit hands
// the same messages out again. Consumers downstream must deduplicate (by
// message key or by partition offset range).
//
// bus knows nothing of the payloads it carries.
package bus
