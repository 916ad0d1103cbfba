export { usersCollector } from './collect';
