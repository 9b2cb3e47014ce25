// How drivers name things that other folders keep in the store and show: RabbitMQ's "vhost/queue"
// ids and this installation's NATS capture durable. Code outside lib/brokers/ imports these from
// here (the contract's top level), never from a kind's own folder.
export { queueId, splitQueueId } from "./rabbitmq/queue-id";
export { captureDurable } from "./nats/capture-durable";
