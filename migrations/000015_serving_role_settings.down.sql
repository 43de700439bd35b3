ALTER ROLE kaa_app RESET jit;
