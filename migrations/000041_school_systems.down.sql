DROP TABLE school_systems;
