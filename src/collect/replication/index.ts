export { replicationCollector } from './collect';
