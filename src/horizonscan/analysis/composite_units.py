"""Administrative units that the packaged subdivision data no longer (or never) lists, as unions of units it does.

News archives keep naming units that were merged or split: Kenya's eight
provinces (replaced by 47 counties under the 2010 constitution, in 2013), the
Democratic Republic of the Congo's provinces before the 2015 division, France's
22 metropolitan regions before 2016, Ghana's Brong-Ahafo (split in 2019). England's
metropolitan counties (1974) never had an ISO 3166-2 code but are everyday
names ("Greater Manchester police"). Each row gives the unit's name, its other
spellings, its country, its kind and the present units it is made of; the
gazetteer places it at the middle of their points and sums their populations.
A constituent that the data does not know is skipped.

Generic names ("Central", "Coast", "Eastern") are listed only with the word
"Province", so a bare compass word never becomes a Kenyan province.
"""

from __future__ import annotations

# (name, aliases separated by "|", ISO-3, feature, constituents separated by "|")
COMPOSITE_UNITS: tuple[tuple[str, str, str, str, str], ...] = (
    # Kenya: provinces until 2013 -> counties.
    ("Nyanza", "Nyanza Province", "KEN", "admin1", "Siaya|Kisumu|Homa Bay|Migori|Kisii|Nyamira"),
    ("Rift Valley Province", "Rift Valley", "KEN", "admin1",
     "Turkana|West Pokot|Samburu|Trans Nzoia|Uasin Gishu|Elgeyo/Marakwet|Nandi|Baringo|Laikipia|Nakuru|Narok|"
     "Kajiado|Kericho|Bomet"),
    ("North Eastern Province", "", "KEN", "admin1", "Garissa|Wajir|Mandera"),
    ("Coast Province", "", "KEN", "admin1", "Mombasa|Kwale|Kilifi|Tana River|Lamu|Taita/Taveta"),
    ("Central Province", "", "KEN", "admin1", "Nyandarua|Nyeri|Kirinyaga|Murang'a|Kiambu"),
    ("Eastern Province", "", "KEN", "admin1", "Marsabit|Isiolo|Meru|Tharaka-Nithi|Embu|Kitui|Machakos|Makueni"),
    ("Western Province", "", "KEN", "admin1", "Kakamega|Vihiga|Bungoma|Busia"),
    # Democratic Republic of the Congo: provinces until 2015.
    ("Katanga", "Katanga Province", "COD", "admin1", "Haut-Katanga|Haut-Lomami|Lualaba|Tanganyika"),
    ("Orientale", "Province Orientale|Oriental Province|Orientale Province", "COD", "admin1",
     "Tshopo|Bas-Uele|Haut-Uele|Ituri"),
    ("Kasai-Occidental", "Kasaï-Occidental|Kasai Occidental|Western Kasai|West Kasai", "COD", "admin1",
     "Kasai|Kasai Central"),
    ("Bandundu", "Bandundu Province", "COD", "admin1", "Kwango|Kwilu|Mai-Ndombe"),
    ("Bas-Congo", "Lower Congo|Bas Congo", "COD", "admin1", "Kongo Central"),
    # Ghana: split in 2019.
    ("Brong-Ahafo", "Brong Ahafo|Brong-Ahafo Region", "GHA", "admin1", "Bono|Bono East|Ahafo"),
    # France: metropolitan regions until 2016 -> departments.
    ("Lorraine", "", "FRA", "admin1", "Meurthe-et-Moselle|Meuse|Moselle|Vosges"),
    ("Champagne-Ardenne", "Champagne Ardenne", "FRA", "admin1", "Ardennes|Aube|Marne|Haute-Marne"),
    ("Picardy", "Picardie", "FRA", "admin1", "Aisne|Oise|Somme"),
    ("Nord-Pas-de-Calais", "Nord Pas de Calais", "FRA", "admin1", "Nord|Pas-de-Calais"),
    ("Upper Normandy", "Haute-Normandie", "FRA", "admin1", "Eure|Seine-Maritime"),
    ("Lower Normandy", "Basse-Normandie", "FRA", "admin1", "Calvados|Manche|Orne"),
    ("Aquitaine", "", "FRA", "admin1", "Dordogne|Gironde|Landes|Lot-et-Garonne|Pyrénées-Atlantiques"),
    ("Limousin", "", "FRA", "admin1", "Corrèze|Creuse|Haute-Vienne"),
    ("Poitou-Charentes", "", "FRA", "admin1", "Charente|Charente-Maritime|Deux-Sèvres|Vienne"),
    ("Midi-Pyrénées", "Midi-Pyrenees", "FRA", "admin1",
     "Ariège|Aveyron|Haute-Garonne|Gers|Lot|Hautes-Pyrénées|Tarn|Tarn-et-Garonne"),
    ("Languedoc-Roussillon", "", "FRA", "admin1", "Aude|Gard|Hérault|Lozère|Pyrénées-Orientales"),
    ("Auvergne", "", "FRA", "admin1", "Allier|Cantal|Haute-Loire|Puy-de-Dôme"),
    ("Rhône-Alpes", "Rhone-Alpes", "FRA", "admin1", "Ain|Ardèche|Drôme|Isère|Loire|Rhône|Savoie|Haute-Savoie"),
    ("Burgundy", "Bourgogne", "FRA", "admin1", "Côte-d'Or|Nièvre|Saône-et-Loire|Yonne"),
    ("Franche-Comté", "Franche-Comte", "FRA", "admin1", "Doubs|Jura|Haute-Saône|Territoire de Belfort"),
    # England: metropolitan counties (1974), made of metropolitan boroughs.
    ("Greater Manchester", "", "GBR", "admin2",
     "Bolton|Bury|Manchester|Oldham|Rochdale|Salford|Stockport|Tameside|Trafford|Wigan"),
    ("Merseyside", "", "GBR", "admin2", "Knowsley|Liverpool|St Helens|Sefton|Wirral"),
    ("South Yorkshire", "", "GBR", "admin2", "Barnsley|Doncaster|Rotherham|Sheffield"),
    ("West Yorkshire", "", "GBR", "admin2", "Bradford|Calderdale|Kirklees|Leeds|Wakefield"),
    ("Tyne and Wear", "Tyne & Wear", "GBR", "admin2",
     "Gateshead|Newcastle upon Tyne|North Tyneside|South Tyneside|Sunderland"),
    ("West Midlands", "", "GBR", "admin2", "Birmingham|Coventry|Dudley|Sandwell|Solihull|Walsall|Wolverhampton"),
)
