-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Regional weighting: the reference populations each weighting scheme
-- divides by (from sql/data/reference-populations.csv, INSEE figures, with
-- their vintage and source), and what a results request needs of them.
-- An admin may load another vintage (`concerto geo population load`);
-- the latest loaded vintage of a scheme is the one in force.

CREATE TABLE reference_populations (
	scheme		text NOT NULL CHECK (scheme IN ('idf-departements', 'fr-regions')),
	vintage		text NOT NULL,
	code		text NOT NULL,
	name		text NOT NULL,
	population	bigint NOT NULL CHECK (population > 0),
	source		text NOT NULL,
	loaded_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (scheme, vintage, code)
);

INSERT INTO reference_populations (scheme, vintage, code, name, population, source)
VALUES
	('idf-departements', 'populations legales en vigueur au 1er janvier 2021 (millesime 2018)', '75', 'Paris', 2175601, 'INSEE via Region Ile-de-France'),
	('idf-departements', 'populations legales en vigueur au 1er janvier 2021 (millesime 2018)', '77', 'Seine-et-Marne', 1412516, 'INSEE via Region Ile-de-France'),
	('idf-departements', 'populations legales en vigueur au 1er janvier 2021 (millesime 2018)', '78', 'Yvelines', 1441398, 'INSEE via Region Ile-de-France'),
	('idf-departements', 'populations legales en vigueur au 1er janvier 2021 (millesime 2018)', '91', 'Essonne', 1296641, 'INSEE via Region Ile-de-France'),
	('idf-departements', 'populations legales en vigueur au 1er janvier 2021 (millesime 2018)', '92', 'Hauts-de-Seine', 1619120, 'INSEE via Region Ile-de-France'),
	('idf-departements', 'populations legales en vigueur au 1er janvier 2021 (millesime 2018)', '93', 'Seine-Saint-Denis', 1632677, 'INSEE via Region Ile-de-France'),
	('idf-departements', 'populations legales en vigueur au 1er janvier 2021 (millesime 2018)', '94', 'Val-de-Marne', 1396913, 'INSEE via Region Ile-de-France'),
	('idf-departements', 'populations legales en vigueur au 1er janvier 2021 (millesime 2018)', '95', 'Val-d''Oise', 1238581, 'INSEE via Region Ile-de-France'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'ARA', 'Auvergne-Rhone-Alpes', 8114361, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'BFC', 'Bourgogne-Franche-Comte', 2800194, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'BRE', 'Bretagne', 3394567, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'CVL', 'Centre-Val de Loire', 2573303, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', '20R', 'Corse', 347597, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'GES', 'Grand Est', 5561287, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', '971', 'Guadeloupe', 384315, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', '973', 'Guyane', 286618, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'HDF', 'Hauts-de-France', 5995292, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'IDF', 'Ile-de-France', 12317279, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', '974', 'La Reunion', 871157, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', '972', 'Martinique', 360749, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'NOR', 'Normandie', 3327966, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'NAQ', 'Nouvelle-Aquitaine', 6069352, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'OCC', 'Occitanie', 6022176, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'PDL', 'Pays de la Loire', 3853999, 'INSEE populations legales des regions en 2021'),
	('fr-regions', 'populations legales 2021 en vigueur au 1er janvier 2024', 'PAC', 'Provence-Alpes-Cote d''Azur', 5127840, 'INSEE populations legales des regions en 2021');

-- The strata of a scheme in its vintage in force, in code order.
CREATE FUNCTION scheme_strata(s text)
RETURNS TABLE (code text, name text, population bigint, vintage text, source text)
LANGUAGE sql STABLE AS $$
	SELECT r.code, r.name, r.population, r.vintage, r.source
	FROM reference_populations r
	WHERE r.scheme = s AND r.vintage = (
		SELECT r2.vintage FROM reference_populations r2 WHERE r2.scheme = s
		ORDER BY r2.loaded_at DESC, r2.vintage DESC LIMIT 1)
	ORDER BY r.code
$$;
