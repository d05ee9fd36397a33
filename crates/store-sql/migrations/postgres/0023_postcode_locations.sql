-- Where postcodes are (issue 17), from the ONS Postcode Directory (`hearth postcodes
-- import`), for each looked-after child's distance from home. A key is a postcode as Hearth
-- writes it ("BA1 1AA") or an outward code ("BA1") at the centre of its postcodes, where a
-- postcode the directory lacks is placed. Latitude and longitude (WGS84) in millionths of a
-- degree: the directory's six decimals, exact as integers on both databases.
CREATE TABLE postcode_locations (
    postcode TEXT PRIMARY KEY,
    lat_e6 BIGINT NOT NULL,
    lon_e6 BIGINT NOT NULL
);
