-- One database per service: each service owns its data.
CREATE DATABASE intake;
CREATE DATABASE assessment;
CREATE DATABASE support;
CREATE DATABASE reporting;
CREATE DATABASE access;
