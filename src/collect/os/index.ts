export { osCollector } from './collect';
