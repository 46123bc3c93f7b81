export { dataSourceOptions } from './data-source-options';
export { DatabaseHealth } from './database-health';
export { dropDatabase, ensureDatabase } from './ensure-database';
export { migrateDatabase, type MigrationReport } from './migrator';
export { PersistenceModule } from './persistence.module';
