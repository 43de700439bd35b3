DROP TABLE scb_files;
