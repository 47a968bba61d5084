"""Small source files, made up here (fictional films), never extracts of the public data.

Each constant is a list of rows in the column names of the real file, so a test
can copy one, change a cell, and write it with ``write_sources`` / ``write_csv``.
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
import random
from pathlib import Path

TN_HEADER = ["id", "release_date", "movie", "production_budget", "domestic_gross", "worldwide_gross"]
IMDB_HEADER = [
    "color", "director_name", "num_critic_for_reviews", "duration", "director_facebook_likes",
    "actor_3_facebook_likes", "actor_2_name", "actor_1_facebook_likes", "gross", "genres", "actor_1_name",
    "movie_title", "num_voted_users", "cast_total_facebook_likes", "actor_3_name", "facenumber_in_poster",
    "plot_keywords", "movie_imdb_link", "num_user_for_reviews", "language", "country", "content_rating",
    "budget", "title_year", "actor_2_facebook_likes", "imdb_score", "aspect_ratio", "movie_facebook_likes",
]
BOM_HEADER = ["title", "studio", "domestic_gross", "foreign_gross", "year"]
WIKIDATA_HEADER = ["imdb_id", "title", "year", "released", "genres", "directors", "writers", "cast", "production",
                   "country", "language", "mpaa_rating", "runtime_min", "box_office_usd"]

TN_ROWS = [
    {"id": "1", "release_date": "Jul 16, 2010", "movie": "The Glass Harbor", "production_budget": "$150,000,000",
     "domestic_gross": "$210,000,000", "worldwide_gross": "$610,000,000"},
    {"id": "2", "release_date": "Mar 5, 2004", "movie": "Salt & Pepper", "production_budget": "$20,000,000",
     "domestic_gross": "$0", "worldwide_gross": "$0"},
    {"id": "3", "release_date": "Nov 2, 2001", "movie": "Paper Moons II", "production_budget": "$40,000,000",
     "domestic_gross": "$55,000,000", "worldwide_gross": "$90,000,000"},
]


def imdb_row(**values) -> dict:
    """One IMDB 5000 row; post-release columns carry tell-tale numbers so a leak is visible."""
    row = {name: "" for name in IMDB_HEADER}
    row.update({
        "color": "Color", "num_critic_for_reviews": "723", "director_facebook_likes": "111",
        "actor_1_facebook_likes": "222", "actor_2_facebook_likes": "333", "actor_3_facebook_likes": "444",
        "num_voted_users": "886204", "cast_total_facebook_likes": "555", "facenumber_in_poster": "0",
        "movie_imdb_link": "http://example.invalid/title", "num_user_for_reviews": "3054", "imdb_score": "7.9",
        "aspect_ratio": "2.35", "movie_facebook_likes": "33000", "gross": "1", "budget": "999",
    })
    row.update(values)
    return row


IMDB_ROWS = [
    imdb_row(movie_title="The Glass Harbor\xa0", title_year="2010", director_name="Ada Quill",
             actor_1_name="Lena Marsh", actor_2_name="Tom Reyes", actor_3_name="Ivo Park",
             genres="Action|Sci-Fi", content_rating="PG-13", duration="128", country="USA",
             language="English", plot_keywords="harbor|glass|storm",
             movie_imdb_link="http://www.imdb.com/title/tt0900101/?ref_=fn_tt_tt_1"),
    imdb_row(movie_title="Salt and Pepper\xa0", title_year="2003", director_name="Bo Linden",
             actor_1_name="Mae Olsen", genres="Comedy|Romance", content_rating="R", duration="95",
             country="USA", language="English"),
]

VEGA_ROWS = [
    {"Title": "The Glass Harbor", "US Gross": 210000000, "Worldwide Gross": 610000000, "US DVD Sales": 5000000,
     "Production Budget": 150000000, "Release Date": "Jul 16 2010", "MPAA Rating": "PG-13",
     "Running Time min": 128, "Distributor": "Warner Bros.", "Source": "Original Screenplay",
     "Major Genre": "Action", "Creative Type": "Science Fiction", "Director": "Ada Quill",
     "Rotten Tomatoes Rating": 87, "IMDB Rating": 8.8, "IMDB Votes": 1000000},
    {"Title": "The Old Mill", "US Gross": 3000000, "Worldwide Gross": 3000000, "US DVD Sales": None,
     "Production Budget": 900000, "Release Date": "Jun 12 2046", "MPAA Rating": None,
     "Running Time min": None, "Distributor": "MGM", "Source": None, "Major Genre": "Drama",
     "Creative Type": None, "Director": None, "Rotten Tomatoes Rating": None, "IMDB Rating": 7.1,
     "IMDB Votes": 1500},
]

BOM_ROWS = [
    {"title": "The Glass Harbor", "studio": "WB", "domestic_gross": "210000000.0", "foreign_gross": "400,000,000",
     "year": "2010"},
    {"title": "Lantern Street", "studio": "WB (NL)", "domestic_gross": "12000000.0", "foreign_gross": "",
     "year": "2011"},
]



def wikidata_row(**values) -> dict:
    """One Wikidata row; the outcome and completeness columns carry tell-tale values so a leak is visible."""
    row = {name: "" for name in WIKIDATA_HEADER}
    row.update({"genres": "Drama", "writers": "Wren Tallis", "production": "Tellmark Studios", "country": "United States",
                "language": "English", "mpaa_rating": "PG", "runtime_min": "187.5", "box_office_usd": "777777777.0"})
    row.update(values)
    return row


WIKIDATA_ROWS = [
    # linked by IMDb id (IMDB 5000 gives it), whatever the title says
    wikidata_row(imdb_id="tt0900101", title="Glass Harbour", year="2010", released="2010-07-16", directors="Ada Quill",
                 cast="Ivo Park, Lena Marsh, list of Glass Harbor characters, Ned Oakes, Jr., Ruth Vale, Tom Reyes"),
    # linked by title and year: no IMDB 5000 row
    wikidata_row(imdb_id="tt0900102", title="Paper Moons II", year="2001", released="2001-01-01",
                 directors="Cy Dunmore", cast="Ruth Vale, Sam Ketter"),
    wikidata_row(imdb_id="tt0900103", title="A Film Nobody Budgeted", year="1999", released="1999-05-05",
                 directors="Cy Dunmore", cast="Ruth Vale"),
]


def write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_sources(folder: Path, *, tn=None, imdb=None, vega=None, bom=None, wikidata=None) -> Path:
    """The five public files, small and made up, in ``folder``; pass rows to override one."""
    write_csv(folder / "the-numbers-budgets.csv", TN_HEADER, TN_ROWS if tn is None else tn)
    write_csv(folder / "imdb-5000-movie-metadata.csv", IMDB_HEADER, IMDB_ROWS if imdb is None else imdb)
    (folder / "vega-movies.json").write_text(json.dumps(VEGA_ROWS if vega is None else vega), encoding="utf-8")
    write_csv(folder / "box-office-mojo-gross.csv", BOM_HEADER, BOM_ROWS if bom is None else bom)
    write_csv(folder / "wikidata-films.csv", WIKIDATA_HEADER, WIKIDATA_ROWS if wikidata is None else wikidata)
    return folder


def made_up_films(n: int = 300) -> list[dict]:
    """Films to train on from a user's CSV (``--data``): fictional, 2000-2012, Jane Doe leading a few."""
    rng = random.Random(7)
    genres = ["Action", "Comedy", "Drama", "Thriller", "Horror", "Romance", "Sci-Fi", "Animation"]
    films = []
    for i in range(n):
        budget = math.exp(rng.uniform(math.log(2e6), math.log(200e6)))
        gross = budget * math.exp(rng.gauss(0.8, 1.0))
        lead = "Jane Doe" if i % 30 == 0 else f"Actor {rng.randrange(80)}"
        films.append({
            "title": f"Made-up Film {i}", "release_date": f"{2000 + i % 13}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "genres": rng.sample(genres, 2), "budget": f"{budget / 1e6:.1f}m", "worldwide_gross": f"{gross / 1e6:.1f}m",
            "domestic_gross": f"{gross * 0.4 / 1e6:.1f}m", "cast": [lead, f"Actor {rng.randrange(80)}"],
            "director": f"Director {rng.randrange(40)}", "mpaa_rating": rng.choice(["PG", "PG-13", "R"]),
            "runtime_min": str(rng.randrange(85, 150)), "distributor": rng.choice(["Warner Bros.", "Universal"]),
            "country": "USA", "language": "English",
        })
    return films


STUDIO_HEADERS = {"title": "Project", "release_date": "Release Date", "genres": "Genre", "budget": "Production Budget",
                  "worldwide_gross": "WW Box Office", "domestic_gross": "Domestic Box Office", "cast": "Principal Cast",
                  "director": "Director", "mpaa_rating": "Rating", "runtime_min": "Runtime",
                  "distributor": "Distributor", "country": "Country", "language": "Language"}
"""data/mappings/studio-slate.yaml's headers, with ';' between names."""


def write_films(path: Path, films: list[dict], studio: bool = False) -> Path:
    """``made_up_films`` as a CSV in the default columns, or in data/mappings/studio-slate.yaml's (``studio``)."""
    names = list(films[0]) if not studio else [STUDIO_HEADERS[k] for k in films[0]]
    separator = ";" if studio else "|"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for film in films:
            writer.writerow([separator.join(v) if isinstance(v, list) else v for v in film.values()])
    return path


def digest(home: Path) -> str:
    """SHA-256 over every stored file's name and bytes (models and film table); the lock file aside:
    what a refused or failed command must leave as it was."""
    sha = hashlib.sha256()
    for path in sorted(home.rglob("*")):
        if path.is_file() and path.name != ".lock":
            sha.update(str(path.relative_to(home)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()
