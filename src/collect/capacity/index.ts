export { capacityCollector } from './collect';
