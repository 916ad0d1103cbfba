export { sysctlsCollector } from './collect';
